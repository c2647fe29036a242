from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("", views.office_home, name="office_home"),
]
