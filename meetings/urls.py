"""Mounted at the site root by config/urls.py: organiser pages under /office/meetings/, the
invitee's own page under /meetings/."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("office/meetings/<int:pk>/reminders/", views.reminder_list, name="reminder_list"),
    path("office/meetings/<int:pk>/check-in/", views.checkin_desk, name="checkin"),
    path("meetings/invitations/<int:pk>/", views.invitation_portal, name="invitation_portal"),
]
