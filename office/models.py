"""The finance office's own records: annual targets for signed loans, the pre-aggregated totals of
signed agreements the dashboard reads, and links that share the institution league table."""

import secrets
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Institution

# Targets are set for years the portal can live through; outside this a year is a typing error.
TARGET_MIN_YEAR, TARGET_MAX_YEAR = 2000, 2100


class AnnualTarget(models.Model):
    """How much the district means to sign in a year: overall (no institution) or per institution."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(TARGET_MIN_YEAR), MaxValueValidator(TARGET_MAX_YEAR)],
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="annual_targets",
        verbose_name=_("institution"),
    )
    amount = models.DecimalField(_("target amount (yuan)"), max_digits=16, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["-year", "institution_id"]
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "institution"], name="one_target_per_year_institution"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(institution__isnull=True),
                name="one_overall_target_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.institution or _('district')}"


class AgreementSummary(models.Model):
    """Signed (non-voided) agreements counted by month and by every dimension the dashboard cuts
    by. Kept in the transaction of each signing, void and correction (``office.receivers``) and
    rebuilt from the agreements by ``rebuild_agreement_summary``.

    Keys are plain integers (0 = none) and strings ('' = not given) rather than nullable foreign
    keys, so one unique index covers every row and the upsert works the same on PostgreSQL and
    SQLite. Amounts are whole fen (分): sums stay exact on SQLite too. The enterprise's chain,
    cluster, size class and town are those it had when the row was counted.
    """

    month = models.DateField(_("month"))
    institution_key = models.PositiveIntegerField(_("institution"))
    chain_key = models.PositiveIntegerField(_("industry chain"), default=0)
    cluster_key = models.PositiveIntegerField(_("industry cluster"), default=0)
    size_class = models.CharField(_("size class"), max_length=10, blank=True)
    purpose = models.CharField(_("loan kind"), max_length=30)
    security = models.CharField(_("security"), max_length=20)
    first_loan = models.BooleanField(_("first loan"))
    meeting_key = models.PositiveIntegerField(_("meeting"), default=0)
    town = models.CharField(_("town or street"), max_length=50, blank=True)
    agreements = models.IntegerField(_("agreements"), default=0)
    amount_fen = models.BigIntegerField(_("amount (fen)"), default=0)

    KEY_FIELDS = (
        "month",
        "institution_key",
        "chain_key",
        "cluster_key",
        "size_class",
        "purpose",
        "security",
        "first_loan",
        "meeting_key",
        "town",
    )

    class Meta:
        verbose_name = _("agreement summary row")
        verbose_name_plural = _("agreement summary")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "institution_key",
                    "chain_key",
                    "cluster_key",
                    "size_class",
                    "purpose",
                    "security",
                    "first_loan",
                    "meeting_key",
                    "town",
                ],
                name="one_summary_row_per_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.institution_key}: {self.agreements}"


class SummaryState(models.Model):
    """One row: a token that changes whenever the summary does, so cached dashboard figures are
    keyed by it and never outlive the totals they were computed from."""

    token = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("summary state")
        verbose_name_plural = _("summary state")

    def __str__(self):
        return self.token

    # The token is also cached (``office.dashboard.summary_token``) so a cached dashboard costs
    # no query for it; a change forgets the cached token at once and again after commit.
    CACHE_KEY = "office:summary_token"

    @classmethod
    def touch(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
        cache.delete(cls.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(cls.CACHE_KEY))


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
