from django.contrib import admin

from .models import (
    AuditEvent,
    CalendarDay,
    IndustryChain,
    IndustryCluster,
    OutboxMessage,
    PortalSettings,
)
from .services import EDITABLE_SETTINGS, portal_settings_update


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only services write (workflow state, evidence, derived data): readable, never
    added, changed or deleted in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndustryCluster)
class IndustryClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ("name", "cluster", "is_key_chain", "lead_official", "sort_order")
    list_filter = ("cluster", "is_key_chain")
    search_fields = ("name", "code")


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", *EDITABLE_SETTINGS)
    fields = EDITABLE_SETTINGS
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, so the change is checked and audited like every other.
        portal_settings_update(
            actor=request.user, **{name: form.cleaned_data[name] for name in EDITABLE_SETTINGS}
        )


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


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Evidence: readable, never added, changed or deleted here."""

    list_display = (
        "created_at",
        "actor",
        "actor_role",
        "action",
        "object_repr",
        "from_state",
        "to_state",
    )
    list_filter = ("action", "actor_role", "content_type")
    search_fields = ("object_repr", "note", "actor__username")
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("task_name", "created_at", "attempts", "sent_at", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "task_name")
    search_fields = ("task_name",)
