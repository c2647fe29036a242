from django.contrib import admin

from .models import Meeting, MeetingInvitation


class MeetingInvitationInline(admin.TabularInline):
    model = MeetingInvitation
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "location", "status", "recurrence")
    list_filter = ("kind", "status", "recurrence")
    search_fields = ("title", "location")
    date_hierarchy = "starts_at"
    inlines = [MeetingInvitationInline]
