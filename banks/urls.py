from django.urls import path

from . import views

urlpatterns = [
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
