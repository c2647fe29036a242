from django.urls import path

from . import dashboard_views, lists_views, meeting_views, views

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
    # The finance office's lists (lists_views).
    path("unserved/", lists_views.unserved_needs, name="unserved_needs"),
    path("unserved/<int:pk>/push/", lists_views.unserved_push, name="unserved_push"),
    path("league/", lists_views.league_table, name="league_table"),
    path("league/links/", lists_views.share_link_create, name="share_link_create"),
    path("league/links/<int:pk>/revoke/", lists_views.share_link_revoke, name="share_link_revoke"),
    path("league/shared/<str:token>/", lists_views.league_shared, name="league_shared"),
    path("recommendations/", lists_views.recommendations, name="recommendations"),
    path(
        "recommendations/<int:pk>/withdraw/",
        lists_views.recommendation_withdraw,
        name="recommendation_withdraw",
    ),
    path("advisers/", lists_views.advisers, name="advisers"),
    path("advisers/<int:pk>/end/", lists_views.adviser_end, name="adviser_end"),
    path("lists/enterprises/", lists_views.enterprise_list, name="enterprise_list"),
    path("lists/needs/", lists_views.need_list, name="need_list"),
    path("lists/needs/<int:pk>/", lists_views.need_detail, name="need_detail"),
    path("lists/leads/", lists_views.lead_list, name="lead_list"),
    path("lists/leads/<int:pk>/", lists_views.lead_detail, name="lead_detail"),
    path("lists/agreements/", lists_views.agreement_list, name="agreement_list"),
]
