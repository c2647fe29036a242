from django.urls import path

from . import lists_views, views

app_name = "office"

urlpatterns = [
    path("", views.office_home, name="office_home"),
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
