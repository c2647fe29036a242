from django.contrib import admin

from .models import Meeting, MeetingInvitation, ReminderDelivery


class MeetingInvitationInline(admin.TabularInline):
    model = MeetingInvitation
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("checkin_code", "checked_in_at", "checked_in_by")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "location", "status", "recurrence")
    list_filter = ("kind", "status", "recurrence")
    search_fields = ("title", "location")
    date_hierarchy = "starts_at"
    inlines = [MeetingInvitationInline]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    """Read-only: rows are claims of what was sent; changing one by hand would break "once"."""

    list_display = ("meeting", "user", "kind", "offset_minutes", "channel", "status", "attempts")
    list_filter = ("status", "kind", "channel")
    search_fields = ("meeting__title", "user__username")
    raw_id_fields = ("meeting", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
