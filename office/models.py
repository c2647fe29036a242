"""The console's own records: links that share the institution league table read-only."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 32 bytes of randomness, URL-safe: a link cannot be guessed.
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class LeagueShareLink(models.Model):
    """A read-only link to the institution league table, which the finance office sends to
    institutions; it shows only institution-level figures and stops working when it expires or
    is revoked."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    note = models.CharField(_("note"), max_length=100, blank=True)
    # The period the shared table covers (open-ended when empty), as the office chose it.
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("league table link")
        verbose_name_plural = _("league table links")

    def __str__(self):
        return self.note or self.token[:8]

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
