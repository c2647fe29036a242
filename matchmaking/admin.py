from django.contrib import admin

from .models import (
    CalendarDay,
    Invitation,
    Lead,
    LeadEvent,
    LoanAgreement,
    Match,
    Meeting,
    PortalSettings,
    ScoringPolicy,
)


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "response_working_days",
        "contact_cap",
    )
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return not PortalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    """History only: changes go through the finance office's settings page, which recomputes."""

    list_display = ("created_at", "created_by", "min_score", "top_k", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ("need", "product", "score", "computed_at")
    search_fields = ("need__enterprise__name", "product__name")
    raw_id_fields = ("need", "product")


class LeadEventInline(admin.TabularInline):
    model = LeadEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "from_status", "to_status", "note", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("need", "institution", "score", "status", "assigned_to", "contact_due_at")
    list_filter = ("status", "institution", "decline_reason")
    search_fields = ("need__enterprise__name", "institution__name")
    raw_id_fields = ("need", "match", "product", "assigned_to")
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [LeadEventInline]


@admin.register(LoanAgreement)
class LoanAgreementAdmin(admin.ModelAdmin):
    list_display = (
        "contract_number",
        "institution",
        "amount",
        "rate",
        "term_months",
        "signed_on",
        "meeting",
    )
    list_filter = ("institution", "meeting", "signed_on")
    search_fields = ("contract_number", "lead__need__enterprise__name")
    raw_id_fields = ("lead",)
    date_hierarchy = "signed_on"


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "location", "status", "recurrence")
    list_filter = ("kind", "status", "recurrence")
    search_fields = ("title", "location")
    date_hierarchy = "starts_at"
    inlines = [InvitationInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name", "source")
    list_filter = ("is_workday", "source")
    search_fields = ("name",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        # A row the office edits is theirs: library syncs must not overwrite it.
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)
