"""The regular government-bank-enterprise matchmaking meetings and who is invited to them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    # The secret in the hall screen's link (大屏): whoever has it sees the live board without
    # logging in. Empty until the organiser makes the link; rotating it kills the old link.
    board_token = models.CharField(
        _("board link token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

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


class MeetingInvitation(models.Model):
    """One person invited to a meeting, and their answer."""

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
        related_name="meeting_invitations",
        verbose_name=_("invitee"),
    )
    response = models.CharField(
        _("response"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_per_person")
        ]

    def __str__(self):
        return f"{self.meeting} · {self.user}"


class SubVenue(models.Model):
    """A venue of a meeting (主会场 / 分会场, e.g. one per town), with its own capacity and its own
    signing totals."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sub_venues", verbose_name=_("meeting")
    )
    name = models.CharField(_("name"), max_length=100)
    is_main = models.BooleanField(_("main venue"), default=False)
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name"], name="venue_name_per_meeting"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_main=True), name="one_main_venue_per_meeting"
            ),
        ]

    def __str__(self):
        return self.name


class TalkSlot(models.Model):
    """A 1:1 bank-enterprise talk at a meeting (一对一洽谈): one institution's desk and one
    enterprise for a short slot. Proposed from match scores by ``meetings.talks``; the organiser
    moves, removes and adds slots through the same checks (nobody double-booked, capacities)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="talk_slots", verbose_name=_("meeting")
    )
    sub_venue = models.ForeignKey(
        SubVenue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="talk_slots",
        verbose_name=_("venue"),
    )
    institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.CASCADE,
        related_name="talk_slots",
        verbose_name=_("institution"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="talk_slots",
        verbose_name=_("enterprise"),
    )
    need = models.ForeignKey(
        "enterprises.FinancingNeed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="talk_slots",
        verbose_name=_("financing need"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    score = models.DecimalField(
        _("match score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arranged by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "starts_at", "id"]
        verbose_name = _("1:1 talk")
        verbose_name_plural = _("1:1 talks")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="talk_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["meeting", "institution", "enterprise"], name="one_talk_per_pair"
            ),
        ]
        indexes = [models.Index(fields=["meeting", "starts_at"])]

    def __str__(self):
        return f"{self.institution_id} × {self.enterprise_id} @ {self.starts_at:%H:%M}"


class TalkPlan(models.Model):
    """How a meeting's 1:1 talks are laid out: the window, the slot length and how many talks
    each institution's desk and each enterprise can take."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="talk_plan", verbose_name=_("meeting")
    )
    starts_at = models.DateTimeField(_("talks start at"))
    ends_at = models.DateTimeField(_("talks end at"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per talk"), validators=[MinValueValidator(10), MaxValueValidator(15)]
    )
    institution_capacity = models.PositiveSmallIntegerField(
        _("talks per institution"), validators=[MinValueValidator(1)]
    )
    enterprise_capacity = models.PositiveSmallIntegerField(
        _("talks per enterprise"), validators=[MinValueValidator(1)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("1:1 talk plan")
        verbose_name_plural = _("1:1 talk plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="talk_plan_ends_after_start"
            )
        ]

    def __str__(self):
        return str(self.meeting)
