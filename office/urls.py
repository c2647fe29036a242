from django.urls import path

from . import dashboard_views, views

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
]
