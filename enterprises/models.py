from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation
from core.models import IndustryChain
from core.reference import Collateral, validate_collateral_list
from core.sizing import Industry, SizeClass, classify
from core.uscc import compact_uscc, validate_uscc
from core.workflow import TransitionMap


class Enterprise(models.Model):
    class VerificationStatus(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
    )
    name = models.CharField(_("name"), max_length=100)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    chain = models.ForeignKey(
        IndustryChain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("industry chain"),
    )
    town = models.CharField(_("town or street"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    # The measures of the size standard, and the date they refer to.
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("operating revenue (yuan)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    total_assets = models.DecimalField(
        _("total assets (yuan)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    figures_as_of = models.DateField(_("figures as of"), null=True, blank=True)
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass.choices, blank=True, editable=False
    )

    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    verification_status = models.CharField(
        _("verification status"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["verification_status"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The stored code and size class are facts of this row: keep them consistent whichever
        # door (form, admin, API, seed) saves it.
        self.credit_code = compact_uscc(self.credit_code)
        self.size_class = self.classification().size_class
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"employees", "revenue", "total_assets", "industry"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "size_class"}
        super().save(*args, **kwargs)

    def classification(self):
        return classify(
            industry=self.industry,
            employees=self.employees,
            revenue_yuan=self.revenue,
            assets_yuan=self.total_assets,
        )

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.VerificationStatus.VERIFIED


class EnterpriseMembership(models.Model):
    """A user who acts for an enterprise; an admin may invite colleagues."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_membership",
        verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="members", verbose_name=_("enterprise")
    )
    is_admin = models.BooleanField(_("enterprise admin"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise member")
        verbose_name_plural = _("enterprise members")

    def __str__(self):
        return f"{self.user} @ {self.enterprise}"


class Project(models.Model):
    class Stage(models.TextChoices):
        PLANNING = "planning", _("Planning")
        APPROVED = "approved", _("Approved")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        OPERATING = "operating", _("In operation")
        COMPLETED = "completed", _("Completed")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="projects", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=150)
    chain = models.ForeignKey(
        IndustryChain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("industry chain"),
    )
    is_key_project = models.BooleanField(
        _("district key project"),
        default=False,
        help_text=_("Set only by government staff."),
    )
    total_investment = models.DecimalField(
        _("total investment (yuan)"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNING
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.name


class FinancingNeed(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_PROGRESS = "in_progress", _("In progress")
        ALL_DECLINED = "all_declined", _("Declined by all institutions")
        SIGNED = "signed", _("Signed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")

    class LoanKind(models.TextChoices):
        NEW = "new", _("First loan")
        RENEWAL = "renewal", _("Renewal")
        RENEWAL_NO_PRINCIPAL = "renewal_no_principal", _("Renewal without repaying principal")

    class Visibility(models.TextChoices):
        ALL_MATCHED = "all_matched", _("All matched institutions")
        CHOSEN = "chosen", _("Only the institutions I choose")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="needs", verbose_name=_("enterprise")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("project"),
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("10000"))],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    collateral = models.JSONField(
        _("collateral offered"), default=list, blank=True, validators=[validate_collateral_list]
    )
    max_rate = models.DecimalField(
        _("maximum acceptable annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(36))],
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    loan_kind = models.CharField(
        _("loan kind"), max_length=30, choices=LoanKind.choices, default=LoanKind.NEW
    )
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("who may see it"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.ALL_MATCHED,
    )
    allowed_institutions = models.ManyToManyField(
        "banks.Institution",
        blank=True,
        related_name="+",
        verbose_name=_("chosen institutions"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by the matching engine whenever it scores the need (one UPDATE per block); matching
    # is still running while this is older than the need's last change.
    matched_at = models.DateTimeField(_("last matched at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")

    def __str__(self):
        return f"{self.enterprise} · {self.purpose}"

    def get_absolute_url(self):
        return reverse("enterprises:need_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NEED_STATUSES

    @property
    def collateral_labels(self) -> list[str]:
        return [str(Collateral(v).label) for v in self.collateral if v in Collateral.values]


S = FinancingNeed.Status
NEED_TRANSITIONS = TransitionMap(
    FinancingNeed.Status,
    {
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        # An institution taking up the need moves it on; the enterprise may pull it back to edit.
        S.SUBMITTED: {S.IN_PROGRESS, S.DRAFT, S.WITHDRAWN, S.CLOSED},
        S.IN_PROGRESS: {S.SIGNED, S.ALL_DECLINED, S.WITHDRAWN, S.CLOSED},
        # When every holder declined, the enterprise may let it go to other institutions.
        S.ALL_DECLINED: {S.SUBMITTED, S.WITHDRAWN, S.CLOSED},
        S.SIGNED: set(),
        S.WITHDRAWN: set(),
        S.CLOSED: set(),
    },
)
OPEN_NEED_STATUSES = frozenset({S.SUBMITTED, S.IN_PROGRESS})


class EnterpriseInvitation(Invitation):
    """An enterprise admin's invitation for a colleague to join by e-mail."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("enterprise"),
    )

    class Meta(Invitation.Meta):
        verbose_name = _("colleague invitation")
        verbose_name_plural = _("colleague invitations")

    def __str__(self):
        return f"{self.enterprise} → {self.email}"


class NeedAccessLog(models.Model):
    """Every time an officer opened a need's enterprise data: shown in the consent view."""

    need = models.ForeignKey(
        FinancingNeed, on_delete=models.CASCADE, related_name="access_logs", verbose_name=_("need")
    )
    institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("institution"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    accessed_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name = _("need access record")
        verbose_name_plural = _("need access records")
        indexes = [models.Index(fields=["need", "institution"])]

    def __str__(self):
        return f"{self.institution_id} opened {self.need_id}"


class NeedAccessRevocation(models.Model):
    """The enterprise withdrew an institution's access to one need."""

    need = models.ForeignKey(
        FinancingNeed, on_delete=models.CASCADE, related_name="revocations", verbose_name=_("need")
    )
    institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("institution"),
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revoked access")
        verbose_name_plural = _("revoked access")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "institution"], name="one_revocation_per_institution"
            )
        ]

    def __str__(self):
        return f"{self.need_id} ✕ {self.institution_id}"


# The bureaus that keep recommended lists (推荐清单).
RECOMMENDING_DEPARTMENTS = frozenset({"development_reform", "industry_it", "commerce"})


class Recommendation(models.Model):
    """A bureau recommends an enterprise, or one of its key projects, to the institutions
    (推荐清单). Withdrawn recommendations are kept (history), with ``withdrawn_at`` set."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("enterprise"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("project"),
        help_text=_("Leave empty to recommend the whole enterprise."),
    )
    department = models.CharField(_("department"), max_length=30)
    reason = models.CharField(_("reason"), max_length=300)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recommended by"),
    )
    created_at = models.DateTimeField(_("recommended at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["enterprise", "withdrawn_at"])]

    def __str__(self):
        return f"{self.get_department_display()} → {self.enterprise}"

    def get_department_display(self) -> str:
        from accounts.models import User

        return str(dict(User.Department.choices).get(self.department, self.department))

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Adviser(models.Model):
    """A financial adviser (金融顾问, 局长行长联企业): a government staff member or an institution
    officer paired with an enterprise, who sees its needs and notices while the pairing lasts."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="advisers", verbose_name=_("enterprise")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="advised",
        verbose_name=_("adviser"),
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("financial adviser")
        verbose_name_plural = _("financial advisers")
        indexes = [models.Index(fields=["user", "until"])]

    def __str__(self):
        return f"{self.user} → {self.enterprise}"
