from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banks.models import Institution, LoanProduct
from enterprises.models import FinancingNeed
from enterprises.workflow import TransitionMap


class PortalSettings(models.Model):
    """The finance office's settings: one row, edited in the admin; changes are audited."""

    response_working_days = models.PositiveSmallIntegerField(
        _("working days to first contact"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    contact_cap = models.PositiveSmallIntegerField(
        _("institutions that may hold one need at once"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self):
        return str(_("Portal settings"))

    @classmethod
    def load(cls) -> "PortalSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ScoringPolicy(models.Model):
    """The matching weights and thresholds. Append-only: every change is a new row, kept."""

    weight_amount = models.PositiveSmallIntegerField(_("weight: amount fit"), default=20)
    weight_term = models.PositiveSmallIntegerField(_("weight: term fit"), default=10)
    weight_rate = models.PositiveSmallIntegerField(_("weight: rate headroom"), default=20)
    weight_policy = models.PositiveSmallIntegerField(_("weight: policy fit"), default=25)
    weight_speed = models.PositiveSmallIntegerField(_("weight: approval speed"), default=10)
    weight_response = models.PositiveSmallIntegerField(_("weight: response record"), default=15)
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
    EDITABLE_FIELDS = (*WEIGHT_FIELDS, "min_score", "top_k")

    @classmethod
    def current(cls) -> "ScoringPolicy":
        return cls.objects.order_by("-created_at", "-id").first() or cls()


class Match(models.Model):
    """A financing need scored against a loan product, with the reasons for its score.

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
    reasons = models.JSONField(_("reasons"), default=list)
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
    match = models.ForeignKey(
        Match,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("match"),
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
        "banks.Officer",
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
    def is_overdue(self) -> bool:
        """First contact is late (the same rule as ``selectors.overdue_leads_q``)."""
        from django.utils import timezone

        return (
            self.first_contacted_at is None
            and self.status in (Lead.Status.NEW, Lead.Status.CLAIMED)
            and self.contact_due_at < timezone.now()
        )


L = Lead.Status
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


class LeadEvent(models.Model):
    """One recorded step on a lead: append-only, never edited."""

    class Action(models.TextChoices):
        STATUS = "status", _("Status change")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Note")

    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="events", verbose_name=_("lead")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.STATUS
    )
    from_status = models.CharField(_("from"), max_length=20, choices=L.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=L.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lead step")
        verbose_name_plural = _("lead steps")

    def __str__(self):
        return f"{self.lead_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        # A recorded step is evidence: it is written once and never changed.
        if not self._state.adding:
            raise ValueError("Lead steps cannot be edited once recorded.")
        super().save(*args, **kwargs)


class Meeting(models.Model):
    """A government-bank-enterprise matchmaking meeting (政银企对接会 / 座谈会)."""

    class Kind(models.TextChoices):
        MATCHMAKING = "matchmaking", _("Matchmaking meeting")
        SYMPOSIUM = "symposium", _("Symposium")
        BREAKFAST = "breakfast", _("Entrepreneurs' breakfast meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Recurrence(models.TextChoices):
        NONE = "none", _("Once")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.MATCHMAKING
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, default=Recurrence.NONE
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organizer"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title


class Invitation(models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("invitee"),
    )
    response = models.CharField(
        _("response"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_per_person")
        ]

    def __str__(self):
        return f"{self.meeting} · {self.user}"


class LoanAgreement(models.Model):
    """A signed loan (签约): the outcome the finance office counts."""

    lead = models.OneToOneField(
        Lead, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("lead")
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    rate = models.DecimalField(
        _("annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(36))],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
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


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday rule: a holiday or a make-up workday.

    Filled from chinesecalendar for the years it covers; the finance office adds the State
    Council's notice for later years by hand. Days not listed follow the weekday rule.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("chinesecalendar")
        MANUAL = "manual", _("Entered by the finance office")

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holidays and make-up workdays")

    def __str__(self):
        return f"{self.date} {self.name}"
