"""Routes of the leads app. They join two areas of the portal (see ``config.urls``): the bank
workspace (``banks:`` names, under /bank/) and the enterprise portal (``enterprises:`` names)."""

from django.urls import path

from . import views

officer_urlpatterns = [
    path("", views.home, name="home"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/claim/", views.lead_claim, name="lead_claim"),
    path("leads/<int:pk>/assign/", views.lead_assign, name="lead_assign"),
    path("leads/<int:pk>/decline/", views.lead_decline, name="lead_decline"),
    path("leads/<int:pk>/sign/", views.lead_sign, name="lead_sign"),
    path(
        "leads/<int:pk>/agreement/correction/",
        views.agreement_correction_request,
        name="agreement_correction_request",
    ),
    path(
        "leads/<int:pk>/agreement/disbursements/",
        views.disbursement_record,
        name="disbursement_record",
    ),
    path("leads/sign-venues/", views.sign_venues, name="sign_venues"),
    path("leads/<int:pk>/<slug:action>/", views.lead_step, name="lead_step"),
    path("matched-needs/", views.matched_needs, name="matched_needs"),
    path("matched-needs/<int:need_id>/take/", views.need_take, name="need_take"),
]

enterprise_urlpatterns = [
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/after-declines/", views.need_after_declines, name="need_after_declines"),
    path("needs/<int:pk>/matches/", views.need_matches, name="need_matches"),
    path("needs/<int:pk>/leads/<int:lead_pk>/reply/", views.need_reply, name="need_reply"),
]
