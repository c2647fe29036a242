from django.urls import path

from . import dashboard_views, meeting_views, views

app_name = "office"

urlpatterns = [
    path("", views.office_home, name="office_home"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("funnel/", dashboard_views.funnel, name="funnel"),
    path("targets/", dashboard_views.annual_targets, name="annual_targets"),
    path("report/monthly/", dashboard_views.monthly_report, name="monthly_report"),
    path("verifications/", views.verification_queue, name="verification_queue"),
    path("enterprises/<int:pk>/", views.verification_detail, name="verification_detail"),
    path("projects/<int:pk>/key/", views.project_key_flag, name="project_key_flag"),
    path("scoring/", views.scoring_policy, name="scoring_policy"),
    path("products/", views.product_review_queue, name="product_review_queue"),
    path("products/<int:pk>/", views.product_review, name="product_review"),
    path("audit/", views.audit_log, name="audit_log"),
    path("agreement-corrections/", views.agreement_corrections, name="agreement_corrections"),
    path(
        "agreement-corrections/<int:pk>/decide/",
        views.agreement_correction_decide,
        name="agreement_correction_decide",
    ),
    path("meetings/<int:pk>/report/", meeting_views.meeting_report, name="meeting_report"),
    path(
        "meetings/<int:pk>/report/export/",
        meeting_views.meeting_report_export,
        name="meeting_report_export",
    ),
    path("meetings/<int:pk>/board/", meeting_views.meeting_board_link, name="meeting_board_link"),
    path(
        "meetings/<int:pk>/board/rotate/",
        meeting_views.meeting_board_rotate,
        name="meeting_board_rotate",
    ),
    path(
        "meetings/board/<str:token>/",
        meeting_views.meeting_board_screen,
        name="meeting_board_screen",
    ),
    path(
        "meetings/board/<str:token>/live/",
        meeting_views.meeting_board_live,
        name="meeting_board_live",
    ),
    path("meetings/<int:pk>/follow-up/", meeting_views.meeting_follow_up, name="meeting_follow_up"),
    path("meetings/<int:pk>/talks/", meeting_views.meeting_talks, name="meeting_talks"),
    path("meetings/<int:pk>/talks/add/", meeting_views.meeting_talk_add, name="meeting_talk_add"),
    path(
        "meetings/<int:pk>/talks/<int:slot_pk>/move/",
        meeting_views.meeting_talk_move,
        name="meeting_talk_move",
    ),
    path(
        "meetings/<int:pk>/talks/<int:slot_pk>/remove/",
        meeting_views.meeting_talk_remove,
        name="meeting_talk_remove",
    ),
]
