"""A lead's whole life: an institution's work on one need, from allocation to the signed agreement."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Institution, LoanProduct, Officer
from core.workflow import TransitionMap
from enterprises.models import FinancingNeed
from meetings.models import Meeting, SubVenue


class Lead(models.Model):
    """An institution's work on one need."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CLAIMED = "claimed", _("Claimed")
        CONTACTED = "contacted", _("Contacted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        SIGNED = "signed", _("Signed")
        CLOSED = "closed", _("Closed")

    class DeclineReason(models.TextChoices):
        AMOUNT = "amount", _("Amount outside what we can lend")
        CREDIT_RECORD = "credit_record", _("Credit record does not qualify")
        COLLATERAL = "collateral", _("Collateral insufficient")
        FINANCIALS = "financials", _("Financial condition does not qualify")
        INDUSTRY_POLICY = "industry_policy", _("Industry policy restriction")
        ENTERPRISE_WITHDREW = "enterprise_withdrew", _("Enterprise no longer needs it")
        UNREACHABLE = "unreachable", _("Enterprise could not be reached")
        OTHER = "other", _("Other")

    # Indexes are chosen for the inbox and the engine's bulk inserts: the unique (need,
    # institution) index serves lookups by need, the (institution, status, score) one by institution.
    need = models.ForeignKey(
        FinancingNeed,
        on_delete=models.CASCADE,
        related_name="leads",
        verbose_name=_("need"),
        db_index=False,
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="leads",
        verbose_name=_("institution"),
        db_index=False,
    )
    product = models.ForeignKey(
        LoanProduct,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("product"),
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, default=Decimal(0))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assigned_to = models.ForeignKey(
        Officer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("assigned to"),
    )
    received_at = models.DateTimeField(_("received at"))
    contact_due_at = models.DateTimeField(_("first contact due"))
    first_contacted_at = models.DateTimeField(_("first contacted at"), null=True, blank=True)
    decline_reason = models.CharField(
        _("decline reason"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("decline note"), blank=True)
    # Set when the finance office pushed the need to this institution by hand: allocation then
    # never closes the lead for lack of a match.
    pushed_at = models.DateTimeField(_("pushed by the finance office at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-score", "received_at", "id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "institution"], name="one_lead_per_need_institution"
            )
        ]
        indexes = [
            models.Index(fields=["institution", "status", "-score"]),
            models.Index(fields=["institution", "contact_due_at"]),
        ]

    def __str__(self):
        return f"{self.institution} · {self.need}"

    @property
    def awaits_first_contact(self) -> bool:
        """The first-contact deadline still matters: nobody has contacted the enterprise yet and
        the lead is not finished (pages show the deadline only then)."""
        return self.first_contacted_at is None and self.status in FIRST_CONTACT_PENDING_STATUSES

    @property
    def is_overdue(self) -> bool:
        """First contact is late (the same rule as ``overdue_leads_q``)."""
        return self.awaits_first_contact and self.contact_due_at < timezone.now()


L = Lead.Status
# Before these statuses' successors the enterprise has not been contacted yet.
FIRST_CONTACT_PENDING_STATUSES = frozenset({L.NEW, L.CLAIMED})
LEAD_TRANSITIONS = TransitionMap(
    Lead.Status,
    {
        L.NEW: {L.CLAIMED, L.DECLINED, L.CLOSED},
        L.CLAIMED: {L.CONTACTED, L.DECLINED, L.CLOSED},
        L.CONTACTED: {L.INFO_REQUESTED, L.UNDER_REVIEW, L.DECLINED, L.CLOSED},
        L.INFO_REQUESTED: {L.CONTACTED, L.UNDER_REVIEW, L.DECLINED, L.CLOSED},
        L.UNDER_REVIEW: {L.INFO_REQUESTED, L.APPROVED, L.DECLINED, L.CLOSED},
        L.APPROVED: {L.SIGNED, L.DECLINED, L.CLOSED},
        L.DECLINED: set(),
        L.SIGNED: set(),
        L.CLOSED: set(),
    },
)
# A lead in one of these holds the need (counts against the contact cap).
ACTIVE_LEAD_STATUSES = frozenset(
    {L.NEW, L.CLAIMED, L.CONTACTED, L.INFO_REQUESTED, L.UNDER_REVIEW, L.APPROVED}
)


def overdue_leads_q(now=None):
    """Leads whose first contact is late: not yet contacted after the deadline."""
    now = now or timezone.now()
    return models.Q(
        first_contacted_at__isnull=True,
        status__in=FIRST_CONTACT_PENDING_STATUSES,
        contact_due_at__lt=now,
    )


# The bounds of a recorded agreement (the signing service checks each one before saving).
AGREEMENT_AMOUNT_DIGITS, AGREEMENT_AMOUNT_PLACES = 16, 2
AGREEMENT_MIN_AMOUNT = Decimal("0.01")
# The largest amount the numeric column holds (14 integer digits, to the fen).
AGREEMENT_MAX_AMOUNT = Decimal(10) ** (AGREEMENT_AMOUNT_DIGITS - AGREEMENT_AMOUNT_PLACES) - Decimal(
    "0.01"
)
# 36 % a year is the ceiling above which Chinese lending rules void interest outright.
AGREEMENT_MIN_RATE, AGREEMENT_MAX_RATE = Decimal(0), Decimal(36)
# Thirty years: the longest loan term institutions offer (fixed-asset and mortgage loans).
AGREEMENT_MIN_TERM, AGREEMENT_MAX_TERM = 1, 360


class LoanAgreement(models.Model):
    """A signed loan (签约): the outcome the finance office counts, unless voided."""

    class Purpose(models.TextChoices):
        NEW = "new", _("New loan")
        RENEWAL = "renewal", _("Renewal")
        RENEWAL_NO_PRINCIPAL = "renewal_no_principal", _("Renewal without repaying principal")

    class Security(models.TextChoices):
        CREDIT = "credit", _("Credit (unsecured)")
        GUARANTEE = "guarantee", _("Guarantee")
        MORTGAGE = "mortgage", _("Mortgage")
        PLEDGE = "pledge", _("Pledge")

    lead = models.OneToOneField(
        Lead, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("lead")
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=AGREEMENT_AMOUNT_DIGITS,
        decimal_places=AGREEMENT_AMOUNT_PLACES,
        validators=[MinValueValidator(AGREEMENT_MIN_AMOUNT)],
    )
    rate = models.DecimalField(
        _("annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(AGREEMENT_MIN_RATE),
            MaxValueValidator(AGREEMENT_MAX_RATE),
        ],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        validators=[
            MinValueValidator(AGREEMENT_MIN_TERM),
            MaxValueValidator(AGREEMENT_MAX_TERM),
        ],
    )
    signed_on = models.DateField(_("signed on"))
    contract_number = models.CharField(_("contract number"), max_length=60)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("institution"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("signed at meeting"),
    )
    sub_venue = models.ForeignKey(
        SubVenue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("venue"),
    )
    purpose = models.CharField(
        _("loan kind"), max_length=30, choices=Purpose.choices, default=Purpose.NEW
    )
    security = models.CharField(
        _("security"), max_length=20, choices=Security.choices, default=Security.CREDIT
    )
    first_loan = models.BooleanField(
        _("first bank loan of the enterprise (首贷)"),
        default=False,
        help_text=_("Tick when the enterprise has never borrowed from a bank before."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Set when the finance office approves a void: the agreement stays on record but leaves
    # every total.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("loan agreement")
        verbose_name_plural = _("loan agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "contract_number"], name="contract_number_per_institution"
            )
        ]

    def __str__(self):
        return self.contract_number


class Disbursement(models.Model):
    """Money actually paid out (放款) under a signed agreement; an agreement may pay out in parts."""

    agreement = models.ForeignKey(
        LoanAgreement,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name=_("agreement"),
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=AGREEMENT_AMOUNT_DIGITS,
        decimal_places=AGREEMENT_AMOUNT_PLACES,
        validators=[MinValueValidator(AGREEMENT_MIN_AMOUNT)],
    )
    disbursed_on = models.DateField(_("disbursed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-disbursed_on", "-id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        indexes = [models.Index(fields=["agreement", "disbursed_on"])]

    def __str__(self):
        return f"{self.agreement} · {self.disbursed_on}"


class AgreementCorrection(models.Model):
    """A request to correct or void a recorded agreement: filed by an officer of the agreement's
    institution, decided by the finance office; only an approval changes the agreement."""

    class Kind(models.TextChoices):
        CORRECT = "correct", _("Correct the figures")
        VOID = "void", _("Void the agreement")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the finance office")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    agreement = models.ForeignKey(
        LoanAgreement,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("agreement"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(
        _("corrected amount (yuan)"),
        max_digits=AGREEMENT_AMOUNT_DIGITS,
        decimal_places=AGREEMENT_AMOUNT_PLACES,
        null=True,
        blank=True,
    )
    rate = models.DecimalField(
        _("corrected annual rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    term_months = models.PositiveSmallIntegerField(
        _("corrected term (months)"), null=True, blank=True
    )
    signed_on = models.DateField(_("corrected signing date"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("agreement correction")
        verbose_name_plural = _("agreement corrections")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=models.Q(status="pending"),
                name="one_pending_correction_per_agreement",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.agreement}"


class ReminderLog(models.Model):
    """What a scheduled job already sent, so running it twice sends nothing new."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "recipient"], name="one_reminder_per_recipient"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.recipient_id}"
