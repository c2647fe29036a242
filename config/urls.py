"""The portal's address space. Each area (the enterprise portal, the bank workspace, the finance
office's console) is one URL namespace gathered from the apps that serve it, so a page keeps its
name (``enterprises:need_detail``) whichever app owns its logic."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from accounts.views import home
from banks import urls as bank_urls
from banks.views import catalogue
from enterprises import urls as enterprise_urls
from leads import urls as lead_urls

enterprise_area = [*enterprise_urls.urlpatterns, *lead_urls.enterprise_urlpatterns]
bank_area = [*lead_urls.officer_urlpatterns, *bank_urls.urlpatterns]


class FaviconRedirect(RedirectView):
    """The vendored icon's hashed static URL, resolved per request (the manifest is read only
    after ``collectstatic``)."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("enterprise/", include((enterprise_area, "enterprises"))),
    path("bank/", include((bank_area, "banks"))),
    path("catalogue/", catalogue, name="catalogue"),
    path("", include("meetings.urls")),
    path("office/", include("office.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on every page, whatever the page links to.
    path(
        "favicon.ico",
        login_not_required(FaviconRedirect.as_view()),
        name="favicon",
    ),
]

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
