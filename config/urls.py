from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.views import home
from banks.views import catalogue

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("enterprise/", include("enterprises.urls")),
    path("bank/", include("banks.urls")),
    path("catalogue/", catalogue, name="catalogue"),
    path("office/", include("matchmaking.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
