"""Invitees' pages (``/meetings/``, namespace ``meetings``) and the organisers' pages, which
``config.urls`` mounts in the office area (``/office/meetings/``, namespace ``office``)."""

from django.urls import path

from . import views, views_office, views_reminders

urlpatterns = [
    path("", views.my_meetings, name="my_meetings"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/talk/<int:enterprise_id>/", views.talk_interest, name="talk_interest"),
    path("answer/<str:token>/", views.answer_by_link, name="answer_by_link"),
    path("invitations/<int:pk>/", views_reminders.invitation_portal, name="invitation_portal"),
]

office_urlpatterns = [
    path("meetings/", views_office.meeting_list, name="meeting_list"),
    path("meetings/new/", views_office.meeting_create, name="meeting_create"),
    path("meetings/series/new/", views_office.series_create, name="series_create"),
    path("meetings/series/<int:pk>/", views_office.series_detail, name="series_detail"),
    path("meetings/<int:pk>/", views_office.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views_office.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views_office.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/invite/", views_office.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views_office.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("meetings/<int:pk>/venues/new/", views_office.venue_edit, name="venue_create"),
    path("meetings/<int:pk>/venues/<int:venue_pk>/", views_office.venue_edit, name="venue_edit"),
    path(
        "meetings/<int:pk>/venues/<int:venue_pk>/delete/",
        views_office.venue_delete,
        name="venue_delete",
    ),
    path("meetings/<int:pk>/presented/", views_office.presented_add, name="presented_add"),
    path(
        "meetings/<int:pk>/presented/<int:item_pk>/remove/",
        views_office.presented_remove,
        name="presented_remove",
    ),
    path("meetings/<int:pk>/reminders/", views_reminders.reminder_list, name="meeting_reminders"),
    path("meetings/<int:pk>/check-in/", views_reminders.checkin_desk, name="meeting_checkin"),
]
