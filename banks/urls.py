from django.urls import path

from . import views

app_name = "banks"

urlpatterns = [
    path("", views.home, name="home"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/claim/", views.lead_claim, name="lead_claim"),
    path("leads/<int:pk>/assign/", views.lead_assign, name="lead_assign"),
    path("leads/<int:pk>/decline/", views.lead_decline, name="lead_decline"),
    path("leads/<int:pk>/sign/", views.lead_sign, name="lead_sign"),
    path("leads/<int:pk>/<slug:action>/", views.lead_step, name="lead_step"),
    path("matched-needs/", views.matched_needs, name="matched_needs"),
    path("matched-needs/<int:need_id>/take/", views.need_take, name="need_take"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/submit/", views.product_submit, name="product_submit"),
    path("products/<int:pk>/retire/", views.product_retire, name="product_retire"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/<int:pk>/role/", views.officer_role, name="officer_role"),
    path("officers/<int:pk>/remove/", views.officer_remove, name="officer_remove"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
