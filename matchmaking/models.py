from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banks.models import LoanProduct
from enterprises.models import FinancingNeed


class ScoringPolicy(models.Model):
    """The matching weights and thresholds. Append-only: every change is a new row, kept."""

    weight_amount = models.PositiveSmallIntegerField(_("weight: amount fit"), default=20)
    weight_term = models.PositiveSmallIntegerField(_("weight: term fit"), default=10)
    weight_rate = models.PositiveSmallIntegerField(_("weight: rate headroom"), default=20)
    weight_policy = models.PositiveSmallIntegerField(_("weight: policy fit"), default=25)
    weight_speed = models.PositiveSmallIntegerField(_("weight: approval speed"), default=10)
    weight_response = models.PositiveSmallIntegerField(_("weight: response record"), default=15)
    recommendation_bonus = models.PositiveSmallIntegerField(
        _("bonus points: recommended by a bureau"),
        default=5,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "Points added to the score of a need whose enterprise or project a bureau recommends."
        ),
    )
    min_score = models.DecimalField(
        _("minimum match score"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    top_k = models.PositiveSmallIntegerField(
        _("matches kept per need"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_amount__gt=0)
                | Q(weight_term__gt=0)
                | Q(weight_rate__gt=0)
                | Q(weight_policy__gt=0)
                | Q(weight_speed__gt=0)
                | Q(weight_response__gt=0),
                name="scoring_policy_some_weight",
            )
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.min_score}"

    WEIGHT_FIELDS = (
        "weight_amount",
        "weight_term",
        "weight_rate",
        "weight_policy",
        "weight_speed",
        "weight_response",
    )
    EDITABLE_FIELDS = (*WEIGHT_FIELDS, "recommendation_bonus", "min_score", "top_k")

    @classmethod
    def current(cls) -> "ScoringPolicy":
        return cls.objects.order_by("-created_at", "-id").first() or cls()


class Match(models.Model):
    """A financing need scored against a loan product (its explanation is recomputed on demand by
    ``rules.explain_pair``, so only the score is stored).

    Matches are derived data that the engine rewrites in bulk (millions of rows at province
    scale), so their foreign keys carry no database constraint: checking two keys per row at
    commit cost more than the scoring itself. Integrity holds because rows are only written by the
    engine from existing needs and products, and deleting a need or product cascades through the
    ORM as usual.
    """

    need = models.ForeignKey(
        FinancingNeed,
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("need"),
        db_constraint=False,
        db_index=False,  # the unique (need, product) index starts with need_id
    )
    product = models.ForeignKey(
        LoanProduct,
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("product"),
        db_constraint=False,
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["need", "product"], name="one_match_per_need_product")
        ]

    def __str__(self):
        return f"{self.need_id} × {self.product_id}: {self.score}"
