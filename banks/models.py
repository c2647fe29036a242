from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation
from core.models import IndustryChain
from core.reference import validate_collateral_list
from core.sizing import SizeClass
from core.workflow import TransitionMap


class PolicyTag(models.TextChoices):
    """A product's kind and policy tags, as the speech and the PBoC name them."""

    CREDIT = "credit", _("Credit loan")
    MORTGAGE = "mortgage", _("Mortgage")
    PLEDGE = "pledge", _("Pledge")
    GUARANTEE = "guarantee", _("Guarantee")
    GOVERNMENT_GUARANTEE = "government_guarantee", _("Government financing guarantee")
    SUPPLY_CHAIN = "supply_chain", _("Supply-chain finance")
    RENEWAL_NO_PRINCIPAL = "renewal_no_principal", _("Renewal without repaying principal")
    REVOLVING = "revolving", _("Borrow and repay any time")
    FIRST_LOAN = "first_loan", _("First loan")


def validate_policy_tags(value):
    if not isinstance(value, list) or any(v not in PolicyTag.values for v in value):
        raise ValidationError(_("Choose tags from the list."), code="policy_tags")


def validate_size_classes(value):
    if not isinstance(value, list) or any(v not in SizeClass.values for v in value):
        raise ValidationError(_("Choose size classes from the list."), code="size_classes")


class Institution(models.Model):
    class Kind(models.TextChoices):
        BANK = "bank", _("Bank")
        GUARANTEE = "guarantee", _("Guarantee company")
        FUND = "fund", _("Fund")
        OTHER = "other", _("Other financial institution")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BANK)
    is_local_branch = models.BooleanField(
        _("local branch"),
        default=True,
        help_text=_("An institution with a branch in the district."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    response_rate = models.DecimalField(
        _("on-time first contact rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5000"),
        help_text=_("Share of leads first contacted by their deadline; refreshed every hour."),
    )
    response_rate_updated_at = models.DateTimeField(_("rate refreshed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("financial institution")
        verbose_name_plural = _("financial institutions")

    def __str__(self):
        return self.short_name or self.name


class Officer(models.Model):
    """A user who works for an institution (客户经理)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Institution admin")
        OFFICER = "officer", _("Officer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer",
        verbose_name=_("user"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="officers",
        verbose_name=_("institution"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OFFICER)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self):
        return f"{self.user} ({self.institution})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class LoanProduct(models.Model):
    class ProductType(models.TextChoices):
        WORKING_CAPITAL = "working_capital", _("Working-capital loan")
        FIXED_ASSET = "fixed_asset", _("Fixed-asset (project) loan")
        TRADE_FINANCE = "trade_finance", _("Trade finance")
        GUARANTEE_SERVICE = "guarantee_service", _("Financing guarantee")
        EQUITY = "equity", _("Equity investment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")
        RETIRED = "retired", _("Retired")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="products",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("name"), max_length=100)
    product_type = models.CharField(
        _("product type"),
        max_length=30,
        choices=ProductType.choices,
        default=ProductType.WORKING_CAPITAL,
    )
    tags = models.JSONField(
        _("kind and policy tags"), default=list, blank=True, validators=[validate_policy_tags]
    )
    min_amount = models.DecimalField(
        _("minimum amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    max_amount = models.DecimalField(
        _("maximum amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    min_term_months = models.PositiveSmallIntegerField(_("minimum term (months)"), default=1)
    max_term_months = models.PositiveSmallIntegerField(_("maximum term (months)"), default=12)
    min_rate = models.DecimalField(
        _("minimum annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(36))],
    )
    max_rate = models.DecimalField(
        _("maximum annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(36))],
    )
    eligible_size_classes = models.JSONField(
        _("eligible size classes"),
        default=list,
        blank=True,
        validators=[validate_size_classes],
        help_text=_("Empty means every size class."),
    )
    eligible_chains = models.ManyToManyField(
        IndustryChain,
        blank=True,
        related_name="products",
        verbose_name=_("eligible industry chains"),
        help_text=_("Empty means every chain."),
    )
    accepted_collateral = models.JSONField(
        _("accepted collateral"), default=list, blank=True, validators=[validate_collateral_list]
    )
    typical_approval_days = models.PositiveSmallIntegerField(_("typical approval days"), default=15)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"], name="product_name_per_institution"
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gte=F("min_amount")), name="product_amount_range"
            ),
            models.CheckConstraint(
                condition=Q(max_term_months__gte=F("min_term_months")), name="product_term_range"
            ),
            models.CheckConstraint(
                condition=Q(max_rate__gte=F("min_rate")), name="product_rate_range"
            ),
        ]

    def __str__(self):
        return self.name

    # (lower field, upper field, message when the upper is below the lower)
    RANGES = (
        ("min_amount", "max_amount", _("The maximum amount must not be below the minimum.")),
        (
            "min_term_months",
            "max_term_months",
            _("The maximum term must not be below the minimum."),
        ),
        ("min_rate", "max_rate", _("The maximum rate must not be below the minimum.")),
    )

    @classmethod
    def range_errors(cls, values: dict) -> dict:
        """Field → message for every range whose upper bound is below its lower bound."""
        errors = {}
        for low_field, high_field, message in cls.RANGES:
            low, high = values.get(low_field), values.get(high_field)
            if low is not None and high is not None and high < low:
                errors[high_field] = message
        return errors

    def clean(self):
        errors = self.range_errors({f: getattr(self, f) for pair in self.RANGES for f in pair[:2]})
        if errors:
            raise ValidationError(errors)

    @property
    def is_credit_loan(self) -> bool:
        return PolicyTag.CREDIT in self.tags

    @property
    def tag_labels(self) -> list[str]:
        return [str(PolicyTag(t).label) for t in self.tags if t in PolicyTag.values]


P = LoanProduct.Status
PRODUCT_TRANSITIONS = TransitionMap(
    LoanProduct.Status,
    {
        P.DRAFT: {P.SUBMITTED, P.RETIRED},
        P.SUBMITTED: {P.PUBLISHED, P.RETURNED, P.DRAFT},
        P.RETURNED: {P.SUBMITTED, P.RETIRED},
        # Editing a published product sends it back for review.
        P.PUBLISHED: {P.SUBMITTED, P.RETIRED},
        P.RETIRED: set(),
    },
)


class OfficerInvitation(Invitation):
    """An institution admin's invitation for a colleague to join as an officer."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("institution"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Officer.Role.choices, default=Officer.Role.OFFICER
    )

    class Meta(Invitation.Meta):
        verbose_name = _("officer invitation")
        verbose_name_plural = _("officer invitations")

    def __str__(self):
        return f"{self.institution} → {self.email}"
