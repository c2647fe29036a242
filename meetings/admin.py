from django.contrib import admin

from .models import (
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    PresentedItem,
    ReminderDelivery,
    SubVenue,
    TalkInterest,
)


class MeetingInvitationInline(admin.TabularInline):
    model = MeetingInvitation
    extra = 0
    raw_id_fields = ("user",)
    # Answers and the waiting list move only through the services (row locks, move-up).
    readonly_fields = (
        "response",
        "responded_at",
        "waitlist_position",
        "substitute_name",
        "checkin_code",
        "checked_in_at",
        "checked_in_by",
    )


class SubVenueInline(admin.TabularInline):
    model = SubVenue
    extra = 0


class PresentedItemInline(admin.TabularInline):
    model = PresentedItem
    extra = 0
    raw_id_fields = ("need", "project", "added_by")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "location", "status", "series")
    list_filter = ("kind", "status")
    search_fields = ("title", "location")
    date_hierarchy = "starts_at"
    readonly_fields = (
        "status",
        "cancelled_at",
        "cancel_reason",
        "sequence",
        "series",
        "series_slot",
    )
    inlines = [SubVenueInline, MeetingInvitationInline, PresentedItemInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "rule", "first_date", "generate_until")
    list_filter = ("rule", "kind")


@admin.register(TalkInterest)
class TalkInterestAdmin(admin.ModelAdmin):
    list_display = ("meeting", "institution", "enterprise", "created_at")
    readonly_fields = ("meeting", "institution", "enterprise", "marked_by", "created_at")


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
