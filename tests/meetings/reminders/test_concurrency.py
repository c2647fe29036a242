"""Two workers and two beats at the same moment on PostgreSQL: one row, one mail."""

import threading

import pytest
from django.core import mail
from django.db import connections

from core.models import OutboxMessage
from meetings.models import ReminderDelivery
from meetings.reminders import DELIVER_TASK, meeting_reminders_queue_due, reminder_delivery_send
from tests.factories import MeetingInvitationFactory

from .conftest import WEEK_MARK

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(action, count=2):
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(action())
        except Exception as error:  # recorded, so the assertion shows it
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_beats_at_once_claim_each_reminder_once(meeting, invitee):
    for _i in range(5):
        MeetingInvitationFactory(meeting=meeting, response="accepted")
    outcomes = _at_once(lambda: meeting_reminders_queue_due(now=WEEK_MARK), count=3)
    # Six invitees, two channels each: 12 rows and 12 queued tasks, however the work was split.
    assert sum(outcomes) == 12
    assert ReminderDelivery.objects.count() == 12
    assert OutboxMessage.objects.filter(task_name=DELIVER_TASK).count() == 12


def test_two_workers_sending_the_same_row_send_one_mail(meeting, invitee, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    meeting_reminders_queue_due(now=WEEK_MARK)
    email_row = ReminderDelivery.objects.get(channel="email")
    mail.outbox = []
    outcomes = _at_once(lambda: reminder_delivery_send(delivery_id=email_row.pk, now=WEEK_MARK))
    assert sorted(outcomes) == ["", "sent"]
    assert len(mail.outbox) == 1
    email_row.refresh_from_db()
    assert (email_row.status, email_row.attempts) == ("sent", 1)
