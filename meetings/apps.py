from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Matchmaking meetings")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
