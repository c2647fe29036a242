from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")

    def ready(self):
        # Receivers of the signals sent by enterprises, banks and matching.
        from . import allocation, receivers  # noqa: F401
