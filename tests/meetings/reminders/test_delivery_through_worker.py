"""Reminders through a real Celery worker (Redis in CI) and a real SMTP server (aiosmtpd), the
calendar file parsed back from the received mail; an SMTP server that refuses is retried."""

import datetime as dt
import socket
from email.header import decode_header, make_header

import icalendar
import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from meetings.models import ReminderDelivery
from meetings.reminders import MAX_ATTEMPTS, meeting_reminders_queue_due
from tests.conftest import wait_for
from tests.factories import MeetingFactory, MeetingInvitationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class FlakySMTP:
    """Answers "451 try again later" to the first ``failures`` messages, then accepts."""

    def __init__(self, failures):
        self.failures = failures
        self.refused = 0
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.failures:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        from email import message_from_bytes

        self.received.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def flaky_smtp(settings):
    servers = []

    def start(failures):
        handler = FlakySMTP(failures)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        return handler

    yield start
    for controller in servers:
        controller.stop()


def _meeting_a_week_away():
    """A meeting seven days and five minutes from now: its week reminder is due now."""
    start = timezone.now() + dt.timedelta(days=7) - dt.timedelta(minutes=5)
    start = start.replace(microsecond=0)
    return MeetingFactory(
        title="季度政银企座谈会（测试）",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="清溪区金融服务中心",
    )


def _ics(message):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar part")


def test_a_reminder_reaches_the_smtp_server_once_with_its_calendar_file(celery_worker, smtp_server):
    meeting = _meeting_a_week_away()
    invitation = MeetingInvitationFactory(
        meeting=meeting, user=UserFactory(username="wangjl", email="wangjl@example-bank.cn")
    )
    assert meeting_reminders_queue_due() == 2
    assert wait_for(lambda: ReminderDelivery.objects.filter(status="sent").count() == 2, timeout=60)
    # The beat runs again, twice: nothing new is claimed or sent.
    assert meeting_reminders_queue_due() == 0
    assert meeting_reminders_queue_due() == 0
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "wangjl@example-bank.cn"
    subject = str(make_header(decode_header(message["Subject"])))
    assert "季度政银企座谈会（测试）" in subject
    calendar = _ics(message)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at.astimezone(dt.UTC)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@127.0.0.1"
    body = next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    assert invitation.checkin_code in body
    assert any(part.get_content_type() == "image/png" for part in message.walk())


def test_an_smtp_refusal_is_retried_and_recorded(celery_worker, flaky_smtp, settings):
    settings.MEETING_REMINDER_RETRY_BACKOFF_SECONDS = 1
    server = flaky_smtp(failures=2)
    meeting = _meeting_a_week_away()
    invitation = MeetingInvitationFactory(meeting=meeting)
    invitation.user.meeting_reminder_email = True
    invitation.user.save()
    meeting_reminders_queue_due()
    email_row = ReminderDelivery.objects.get(channel="email")
    assert wait_for(
        lambda: ReminderDelivery.objects.get(pk=email_row.pk).status == "sent", timeout=60
    )
    email_row.refresh_from_db()
    assert server.refused == 2
    assert len(server.received) == 1
    assert email_row.attempts == 3
    assert "451" in email_row.last_error  # the last refusal stays visible to the organiser


def test_an_smtp_server_that_keeps_refusing_ends_as_failed(celery_worker, flaky_smtp, settings):
    settings.MEETING_REMINDER_RETRY_BACKOFF_SECONDS = 0
    server = flaky_smtp(failures=100)
    meeting = _meeting_a_week_away()
    MeetingInvitationFactory(meeting=meeting)
    meeting_reminders_queue_due()
    email_row = ReminderDelivery.objects.get(channel="email")
    assert wait_for(
        lambda: ReminderDelivery.objects.get(pk=email_row.pk).status == "failed", timeout=60
    )
    email_row.refresh_from_db()
    assert email_row.attempts == MAX_ATTEMPTS
    assert server.refused == MAX_ATTEMPTS
    assert server.received == []
    # The portal notice went out regardless: channels fail independently.
    assert ReminderDelivery.objects.get(channel="portal").status == "sent"
