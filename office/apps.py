from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = _("Finance office console")

    def ready(self):
        # Receivers of the signals sent by leads.
        from . import receivers  # noqa: F401
