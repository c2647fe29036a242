from django.contrib import admin

from .models import (
    Enterprise,
    EnterpriseMembership,
    FinancingNeed,
    FinancingNeedEvent,
    IndustryChain,
    IndustryCluster,
    Project,
)


@admin.register(IndustryCluster)
class IndustryClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ("name", "cluster", "is_key_chain", "lead_official", "sort_order")
    list_filter = ("cluster", "is_key_chain")
    search_fields = ("name", "code")


class MembershipInline(admin.TabularInline):
    model = EnterpriseMembership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "industry", "chain", "size_class", "verification_status")
    list_filter = ("verification_status", "size_class", "industry", "chain__cluster", "chain")
    search_fields = ("name", "credit_code", "legal_representative", "contact_name")
    readonly_fields = ("size_class", "created_at", "updated_at", "verified_at", "verified_by")
    inlines = [MembershipInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "is_key_project", "stage", "total_investment")
    list_filter = ("is_key_project", "stage", "chain")
    search_fields = ("name", "enterprise__name")
    raw_id_fields = ("enterprise",)


class NeedEventInline(admin.TabularInline):
    model = FinancingNeedEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "from_status", "to_status", "message", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


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
    # Status moves go through the services (checked map and timeline), not through the admin.
    readonly_fields = ("status", "submitted_at", "created_at", "updated_at")
    inlines = [NeedEventInline]
