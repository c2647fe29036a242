"""Meeting reminders, nudges, change and cancellation notices: claimed exactly once, then sent.

Flow: beat runs ``meeting_reminders_queue_due`` every few minutes. It works out what is due
(``due.due_messages``), writes one ``ReminderDelivery`` per (occurrence start, recipient, kind,
offset, channel) with INSERT … ON CONFLICT DO NOTHING, and queues one task per new row through the
outbox. The task calls ``reminder_delivery_send``, which claims the row with a conditional update
(pending → sending) before anything goes out. So a second beat run finds the rows already there,
and a task run twice (retried, redelivered, or taken by two workers) finds the row no longer
pending: nothing is sent twice.

If a worker dies between claiming and finishing, the row stays "sending" and is not retried: we
prefer a missing reminder to a duplicate, and the organiser sees it on the deliveries page.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import outbox
from core.audit import audit_record
from core.errors import ServiceError

from .channels import CHANNELS
from .compose import outgoing_message
from .due import Due, due_messages
from .models import (
    MAX_REMINDER_OFFSET_MINUTES,
    Meeting,
    MeetingInvitation,
    ReminderDelivery,
    validate_reminder_offsets,
)

logger = logging.getLogger(__name__)

DELIVER_TASK = "meetings.tasks.deliver_meeting_message"
# A failing channel (SMTP down) is tried this many times in all, then the row is marked failed.
MAX_ATTEMPTS = 5
# Seconds before the 2nd, 3rd, … attempt: 1, 2, 4, 8 minutes (doubling from the base).
RETRY_BACKOFF_BASE_SECONDS = 60
# A row waiting for a retry this long past its time lost its retry (the broker dropped it, a
# worker restarted): the beat queues it again. Two retries of one row are harmless (the claim).
LOST_RETRY_GRACE = dt.timedelta(minutes=15)
# Keep the stored error short; the log has the rest.
LAST_ERROR_MAX_CHARS = 1000

Kind = ReminderDelivery.Kind
Status = ReminderDelivery.Status


class DeliveryRetry(Exception):
    """The channel failed for now; try again after ``countdown`` seconds."""

    def __init__(self, countdown: int, error: str):
        super().__init__(error)
        self.countdown = countdown


def retry_countdown(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt (settings may shorten the base)."""
    base = getattr(settings, "MEETING_REMINDER_RETRY_BACKOFF_SECONDS", RETRY_BACKOFF_BASE_SECONDS)
    return base * 2 ** max(attempts - 1, 0)


def _enabled_channels(user: User) -> list[str]:
    return [name for name, channel in CHANNELS.items() if channel.enabled_for(user)]


def _queue_unqueued(now: dt.datetime) -> list[int]:
    """Queue a task for each row not yet queued, and again for rows whose retry was lost.

    The rows are locked (``skip_locked``) so two beat runs at once never queue the same row
    twice; were they to, the claim in ``reminder_delivery_send`` would still send once.
    """
    with transaction.atomic():
        fresh = ReminderDelivery.objects.select_for_update(skip_locked=True).filter(
            status=Status.PENDING, queued_at=None
        )
        lost = ReminderDelivery.objects.select_for_update(skip_locked=True).filter(
            status=Status.PENDING, next_attempt_at__lt=now - LOST_RETRY_GRACE
        )
        ids = sorted(
            set(fresh.values_list("pk", flat=True)) | set(lost.values_list("pk", flat=True))
        )
        if ids:
            ReminderDelivery.objects.filter(pk__in=ids).update(queued_at=now, next_attempt_at=None)
            for delivery_id in ids:
                outbox.enqueue(DELIVER_TASK, delivery_id)
    return ids


def meeting_reminders_queue_due(*, now: dt.datetime | None = None) -> int:
    """Claim every reminder and nudge due now and queue their sending. Returns rows queued.

    Safe to run twice, and by two beats at once: rows are unique per occurrence, recipient, kind,
    offset and channel, and inserted with conflicts ignored.
    """
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(minutes=MAX_REMINDER_OFFSET_MINUTES),
    )
    rows = []
    folded_reason = _("A reminder sent at the same time asks for an answer too.")
    for meeting in meetings:
        claimed_by_user: dict[int, set[Due]] = {}
        for user_id, kind, start, offset in ReminderDelivery.objects.filter(
            meeting=meeting,
            kind__in=[Kind.REMINDER, Kind.NUDGE],
            occurrence_start=meeting.starts_at,
        ).values_list("user_id", "kind", "occurrence_start", "offset_minutes"):
            claimed_by_user.setdefault(user_id, set()).add(Due(start, kind, offset))
        invitations = (
            MeetingInvitation.objects.filter(meeting=meeting, user__is_active=True)
            .exclude(response=MeetingInvitation.Response.DECLINED)
            .select_related("user")
        )
        for invitation in invitations:
            due = due_messages(
                now=now,
                starts_at=meeting.starts_at,
                offsets=meeting.reminder_offsets,
                claimed=claimed_by_user.get(invitation.user_id, set()),
                answered=invitation.response != MeetingInvitation.Response.PENDING,
            )
            # A reminder due in the same run already asks for an answer: the nudge is claimed
            # but not sent, so an invitee added late gets one message, not two at once.
            reminder_now = any(item.kind == Kind.REMINDER for item in due)
            for item in due:
                folded = reminder_now and item.kind == Kind.NUDGE
                for channel in _enabled_channels(invitation.user):
                    rows.append(
                        ReminderDelivery(
                            meeting=meeting,
                            user=invitation.user,
                            channel=channel,
                            kind=item.kind,
                            occurrence_start=item.occurrence_start,
                            offset_minutes=item.offset_minutes,
                            sequence=meeting.sequence,
                            **(
                                {"status": Status.SKIPPED, "last_error": folded_reason}
                                if folded
                                else {}
                            ),
                        )
                    )
    if rows:
        ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(_queue_unqueued(now))


def meeting_change_announce(*, meeting: Meeting, kind: str, now: dt.datetime | None = None) -> int:
    """Tell every invitee who has not declined that the meeting changed or was cancelled.

    The service that changed the meeting raised its revision (``Meeting.sequence``, the .ics
    SEQUENCE) so calendars replace the event. Called after the change committed (the ``meeting_changed`` signal). Returns rows queued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        cancelled = kind == "cancelled" or meeting.status == Meeting.Status.CANCELLED
        invitations = (
            MeetingInvitation.objects.filter(meeting=meeting, user__is_active=True)
            .exclude(response=MeetingInvitation.Response.DECLINED)
            .select_related("user")
        )
        rows = [
            ReminderDelivery(
                meeting=meeting,
                user=invitation.user,
                channel=channel,
                kind=Kind.CANCELLATION if cancelled else Kind.UPDATE,
                occurrence_start=meeting.starts_at,
                sequence=meeting.sequence,
            )
            for invitation in invitations
            for channel in _enabled_channels(invitation.user)
        ]
        ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(_queue_unqueued(now))


def _obsolete(delivery: ReminderDelivery, invitation, now: dt.datetime) -> str:
    """Why a claimed message should no longer go out, or "" if it still should."""
    meeting = delivery.meeting
    if invitation is None:
        return _("No longer invited.")
    if invitation.response == MeetingInvitation.Response.DECLINED:
        return _("Declined the invitation.")
    if delivery.kind == Kind.CANCELLATION:
        return ""
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting was cancelled.")
    if delivery.kind == Kind.UPDATE:
        if delivery.sequence != meeting.sequence:
            return _("A later change was sent instead.")
        return ""
    if meeting.starts_at != delivery.occurrence_start:
        return _("The meeting was moved; new reminders follow its new time.")
    if now >= meeting.starts_at:
        return _("The meeting had already started.")
    if delivery.kind == Kind.NUDGE and invitation.response != MeetingInvitation.Response.PENDING:
        return _("Already answered.")
    return ""


def reminder_delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one claimed message at most once. Returns the row's new status.

    Raises ``DeliveryRetry`` when the channel failed and attempts remain; the row is then back
    to pending with the error recorded.
    """
    now = now or timezone.now()
    claimed = ReminderDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=None
    )
    if not claimed:
        return ""  # sent, being sent, failed for good or skipped: someone else's job
    delivery = ReminderDelivery.objects.select_related("meeting", "user").get(pk=delivery_id)
    invitation = MeetingInvitation.objects.filter(
        meeting=delivery.meeting, user=delivery.user
    ).first()
    reason = _obsolete(delivery, invitation, now)
    if reason:
        ReminderDelivery.objects.filter(pk=delivery_id).update(
            status=Status.SKIPPED, last_error=reason
        )
        return Status.SKIPPED
    channel = CHANNELS[delivery.channel]
    try:
        message = outgoing_message(delivery, invitation, now=now)
        if delivery.channel == ReminderDelivery.Channel.PORTAL:
            # The notice and the "sent" mark commit together: exactly once, not at most once.
            with transaction.atomic():
                channel.send(user=delivery.user, message=message)
                _mark_sent(delivery_id)
        else:
            channel.send(user=delivery.user, message=message)
            _mark_sent(delivery_id)
    except Exception as error:
        return _record_failure(delivery, error, now)
    return Status.SENT


def _mark_sent(delivery_id: int) -> None:
    ReminderDelivery.objects.filter(pk=delivery_id).update(
        status=Status.SENT, sent_at=timezone.now()
    )


def _record_failure(delivery: ReminderDelivery, error: Exception, now: dt.datetime) -> str:
    logger.warning("Meeting message #%s failed: %s", delivery.pk, error, exc_info=True)
    text = f"{type(error).__name__}: {error}"[:LAST_ERROR_MAX_CHARS]
    if delivery.attempts >= MAX_ATTEMPTS:
        ReminderDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED, last_error=text
        )
        return Status.FAILED
    countdown = retry_countdown(delivery.attempts)
    ReminderDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PENDING,
        last_error=text,
        next_attempt_at=now + dt.timedelta(seconds=countdown),
    )
    raise DeliveryRetry(countdown, text) from error


def meeting_reminder_offsets_set(*, meeting: Meeting, actor: User, offsets: list[int]) -> Meeting:
    """Choose when this meeting's reminders go out (minutes before the start).

    Reminders already claimed stay claimed; a new, earlier time that has already passed sends
    nothing late (only the latest reached time is ever due)."""
    if not (actor.is_authenticated and actor.is_finance_office):
        raise ServiceError(_("Only the finance office sets meeting reminders."))
    try:
        validate_reminder_offsets(offsets)
    except ValidationError as error:
        raise ServiceError(error.messages[0], field="reminder_offsets") from error
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = meeting.reminder_offsets
        meeting.reminder_offsets = sorted(set(offsets), reverse=True)
        meeting.save(update_fields=["reminder_offsets"])
        audit_record(
            obj=meeting,
            action="reminder_offsets",
            actor=actor,
            from_state=",".join(map(str, before)),
            to_state=",".join(map(str, meeting.reminder_offsets)),
        )
    return meeting
