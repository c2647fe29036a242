"""The regular government-bank-enterprise matchmaking meetings and who is invited to them."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

# Reminders go out this many minutes before a meeting starts unless its organiser chose others:
# a week ahead to plan, the day before, and two hours before to set off.
DEFAULT_REMINDER_OFFSETS = [7 * 24 * 60, 24 * 60, 2 * 60]
# A reminder further ahead than this is an announcement, not a reminder (a quarterly meeting
# announced when the quarter before it starts still fits).
MAX_REMINDER_OFFSET_MINUTES = 180 * 24 * 60
# More moments than this would be noise in the invitees' mailboxes.
MAX_REMINDER_OFFSETS = 6
# Check-in codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so a code read aloud or typed on a phone at the
# door cannot be mistaken. 25 letters and digits, six places: 244 million codes per meeting.
CHECKIN_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CHECKIN_CODE_LENGTH = 6


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def validate_reminder_offsets(value) -> None:
    """A list of distinct whole minutes before the start, each between 1 minute and 180 days."""
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise ValidationError(_("Give the reminder times as whole minutes before the start."))
    if len(value) > MAX_REMINDER_OFFSETS:
        raise ValidationError(
            _("At most %(count)d reminder times.") % {"count": MAX_REMINDER_OFFSETS}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each reminder time may appear only once."))
    if any(item < 1 or item > MAX_REMINDER_OFFSET_MINUTES for item in value):
        raise ValidationError(
            _("Reminders go out between one minute and 180 days before the start.")
        )


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_CODE_ALPHABET) for _i in range(CHECKIN_CODE_LENGTH))


class MeetingKind(models.TextChoices):
    MATCHMAKING = "matchmaking", _("Matchmaking meeting")
    SYMPOSIUM = "symposium", _("Symposium")
    BREAKFAST = "breakfast", _("Entrepreneurs' breakfast meeting")
    BANK_EVENT = "bank_event", _("Bank-specific event")


class MeetingSeries(models.Model):
    """A regular meeting (e.g. the quarterly 座谈会): a rule that generates ``Meeting`` rows up to a
    horizon. Each generated occurrence remembers the date the rule gave it (``series_slot``), so
    generating again never creates it twice, even after it was moved or cancelled."""

    class Rule(models.TextChoices):
        MONTHLY = "monthly", _("Monthly, on the same day")
        QUARTERLY = "quarterly", _("Quarterly, on the same day")
        EVERY_N_WEEKS = "weeks", _("Every N weeks")
        FIRST_WORKDAY = "first_workday", _("First working day of each month")

    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.MATCHMAKING
    )
    institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution (bank-specific events)"),
    )
    rule = models.CharField(_("repeats"), max_length=20, choices=Rule.choices)
    interval_weeks = models.PositiveSmallIntegerField(
        _("every how many weeks"), null=True, blank=True
    )
    first_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    generate_until = models.DateField(_("generate occurrences until"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    organiser_department = models.CharField(
        _("organising department"), max_length=30, choices=User.Department.choices, blank=True
    )
    agenda = models.TextField(_("agenda"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
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
        ordering = ["-created_at"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                condition=~Q(rule="weeks") | Q(interval_weeks__gte=1),
                name="series_weeks_has_interval",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("office:series_detail", args=[self.pk])


class Meeting(models.Model):
    """A government-bank-enterprise matchmaking meeting (政银企对接会 / 座谈会)."""

    Kind = MeetingKind

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
    location = models.CharField(_("location"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_events",
        verbose_name=_("institution (bank-specific events)"),
    )
    organiser_department = models.CharField(
        _("organising department"), max_length=30, choices=User.Department.choices, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("series"),
    )
    series_slot = models.DateField(
        _("date given by the series"),
        null=True,
        blank=True,
        help_text=_("The date the series rule gave this occurrence, before any change."),
    )
    # Raised on every change invitees must hear about (iCalendar SEQUENCE for updates).
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
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
    # The secret in the hall screen's link (大屏): whoever has it sees the live board without
    # logging in. Empty until the organiser makes the link; rotating it kills the old link.
    board_token = models.CharField(
        _("board link token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    reminder_offsets = models.JSONField(
        _("reminder times (minutes before the start)"),
        default=default_reminder_offsets,
        blank=True,
        validators=[validate_reminder_offsets],
        help_text=_("By default a week, a day and two hours before."),
    )
    # iCalendar SEQUENCE: raised each time invitees are sent a changed meeting, so their calendar
    # replaces the event instead of adding a second one.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind="bank_event") | Q(institution__isnull=False),
                name="bank_event_names_its_institution",
            ),
            models.UniqueConstraint(
                fields=["series", "series_slot"],
                condition=Q(series__isnull=False),
                name="one_occurrence_per_series_slot",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("office:meeting_detail", args=[self.pk])

    @property
    def choice_label(self) -> str:
        """Title and local date, for lists to choose from: the occurrences of a series share
        their title and were indistinguishable."""
        return f"{self.title} · {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def is_open_for_answers(self) -> bool:
        return self.status == self.Status.SCHEDULED and self.ends_at > timezone.now()

    @property
    def reminder_offset_labels(self) -> list[str]:
        return [offset_label(minutes) for minutes in sorted(self.reminder_offsets, reverse=True)]


class MeetingInvitation(models.Model):
    """One person invited to a meeting, and their answer."""

    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WAITLISTED = "waitlisted", _("On the waiting list")

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
    via_institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited as officer of"),
    )
    via_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited as member of"),
    )
    sub_venue = models.ForeignKey(
        "SubVenue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("venue"),
    )
    substitute_name = models.CharField(_("substitute attending instead"), max_length=50, blank=True)
    # Order of joining the waiting list (lower moves up first); empty when not waiting.
    waitlist_position = models.PositiveIntegerField(_("waiting-list number"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    checkin_code = models.CharField(
        _("check-in code"), max_length=CHECKIN_CODE_LENGTH, default=new_checkin_code, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_per_person"),
            models.CheckConstraint(
                condition=Q(waitlist_position__isnull=True) | Q(response="waitlisted"),
                name="only_waiting_invitees_have_a_position",
            ),
            models.UniqueConstraint(
                fields=["meeting", "checkin_code"], name="one_checkin_code_per_meeting"
            ),
        ]
        indexes = [models.Index(fields=["meeting", "response"])]

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


class PresentedItem(models.Model):
    """A financing need or a key project presented at a meeting (推介清单)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="presented_items", verbose_name=_("meeting")
    )
    need = models.ForeignKey(
        "enterprises.FinancingNeed",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("financing need"),
    )
    project = models.ForeignKey(
        "enterprises.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("presented item")
        verbose_name_plural = _("presented items")
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False, project__isnull=True)
                | Q(need__isnull=True, project__isnull=False),
                name="presented_item_is_a_need_or_a_project",
            ),
            models.UniqueConstraint(
                fields=["meeting", "need"], name="need_presented_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "project"], name="project_presented_once_per_meeting"
            ),
        ]

    def __str__(self):
        return str(self.need or self.project)

    @property
    def enterprise_id(self) -> int:
        return (self.need or self.project).enterprise_id


class TalkInterest(models.Model):
    """An institution's mark "we will talk to this enterprise at the meeting"; the 1:1 talk
    scheduler reads these."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="talk_interests", verbose_name=_("meeting")
    )
    institution = models.ForeignKey(
        "banks.Institution",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("institution"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "institution", "created_at"]
        verbose_name = _("talk interest")
        verbose_name_plural = _("talk interests")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "institution", "enterprise"],
                name="one_talk_interest_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.institution} → {self.enterprise}"


class ReminderDelivery(models.Model):
    """One message to one invitee over one channel, claimed before it is sent.

    The row is written (a unique key, conflicts ignored) before anything goes out, so a second
    beat run, a retried task or a second worker finds it and sends nothing. Reminders and nudges
    are keyed by the occurrence's start, so a moved meeting gets fresh ones; updates and
    cancellations by the calendar revision they announce.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        NUDGE = "nudge", _("Please answer")
        UPDATE = "update", _("Changed meeting")
        CANCELLATION = "cancellation", _("Cancellation")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PORTAL = "portal", _("Portal notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_deliveries",
        verbose_name=_("recipient"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    occurrence_start = models.DateTimeField(_("meeting start"))
    # Minutes before the start for reminders and nudges; 0 for updates and cancellations.
    offset_minutes = models.PositiveIntegerField(_("minutes before"), default=0)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurrence_start", "offset_minutes", "user_id", "channel"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "channel", "kind", "occurrence_start", "offset_minutes"],
                condition=Q(kind__in=["reminder", "nudge"]),
                name="one_reminder_per_occurrence_offset",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user", "channel", "kind", "sequence"],
                condition=Q(kind__in=["update", "cancellation"]),
                name="one_change_notice_per_revision",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.meeting} · {self.user} · {self.get_kind_display()} · {self.channel}"

    @property
    def offset_label(self) -> str:
        """ "7 days before", "2 hours before"; empty for changes and cancellations."""
        if self.kind not in (self.Kind.REMINDER, self.Kind.NUDGE):
            return ""
        return offset_label(self.offset_minutes)


def offset_label(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(n)d day before", "%(n)d days before", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour before", "%(n)d hours before", hours) % {"n": hours}
    return ngettext("%(n)d minute before", "%(n)d minutes before", minutes) % {"n": minutes}


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
