from django.contrib import admin

from .models import (
    Adviser,
    Enterprise,
    EnterpriseMembership,
    FinancingNeed,
    Project,
    Recommendation,
)


class MembershipInline(admin.TabularInline):
    model = EnterpriseMembership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "industry", "chain", "size_class", "verification_status")
    list_filter = ("verification_status", "size_class", "industry", "chain__cluster", "chain")
    search_fields = ("name", "credit_code", "legal_representative", "contact_name")
    # Verification moves go through the finance office's page (checked and audited).
    readonly_fields = (
        "size_class",
        "verification_status",
        "verified_at",
        "rejection_reason",
        "created_at",
        "updated_at",
    )
    inlines = [MembershipInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "is_key_project", "stage", "total_investment")
    list_filter = ("is_key_project", "stage", "chain")
    search_fields = ("name", "enterprise__name")
    raw_id_fields = ("enterprise",)


@admin.register(FinancingNeed)
class FinancingNeedAdmin(admin.ModelAdmin):
    list_display = (
        "enterprise",
        "purpose",
        "amount",
        "term_months",
        "loan_kind",
        "status",
        "created_at",
    )
    list_filter = ("status", "loan_kind", "visibility", "enterprise__size_class")
    search_fields = ("purpose", "enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise", "project", "created_by")
    # Status moves go through the services (checked map and audit log), not through the admin.
    readonly_fields = ("status", "submitted_at", "created_at", "updated_at")


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only through the services (checked and audited): the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(_ReadOnlyAdmin):
    list_display = ("enterprise", "project", "department", "created_at", "withdrawn_at")
    list_filter = ("department",)
    search_fields = ("enterprise__name", "reason")


@admin.register(Adviser)
class AdviserAdmin(_ReadOnlyAdmin):
    list_display = ("enterprise", "user", "since", "until")
    search_fields = ("enterprise__name", "user__username", "user__last_name")
