from django.urls import path

from . import views

app_name = "banks"

urlpatterns = [
    path("", views.home, name="home"),
]
