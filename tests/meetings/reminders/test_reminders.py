"""Reminders claimed exactly once: duplicate beat runs, retried tasks, declined invitees, nudges,
reschedules and cancellations (locmem mail; the real SMTP server and worker are in
test_delivery_through_worker.py)."""

import datetime as dt
from email.mime.base import MIMEBase

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notice
from core.models import OutboxMessage
from meetings.models import ReminderDelivery
from meetings.reminders import (
    DELIVER_TASK,
    meeting_reminders_queue_due,
    reminder_delivery_send,
    retry_countdown,
)
from meetings.services import meeting_cancel, meeting_update
from tests.conftest import csrf_post
from tests.factories import MeetingInvitationFactory, UserFactory

from .conftest import START, WEEK_MARK

pytestmark = pytest.mark.django_db


def send_all(now):
    for pk in ReminderDelivery.objects.filter(status="pending").values_list("pk", flat=True):
        reminder_delivery_send(delivery_id=pk, now=now)


def ics_of(message):
    (attachment,) = [a for a in message.attachments if isinstance(a, MIMEBase)][:1]
    return icalendar.Calendar.from_ical(attachment.get_payload(decode=True))


def test_the_week_reminder_is_claimed_per_channel_and_sent(meeting, invitee):
    assert meeting_reminders_queue_due(now=WEEK_MARK) == 2
    rows = ReminderDelivery.objects.filter(meeting=meeting, user=invitee.user)
    assert sorted(rows.values_list("channel", "kind", "offset_minutes")) == [
        ("email", "reminder", 10080),
        ("portal", "reminder", 10080),
    ]
    assert OutboxMessage.objects.filter(task_name=DELIVER_TASK).count() == 2
    send_all(WEEK_MARK)
    assert [m.to for m in mail.outbox] == [[invitee.user.email]]
    # Seven days minus ten minutes before the start, said as people say it.
    assert mail.outbox[0].subject == "[政银企对接平台] 会议提醒：第四季度政银企座谈会 7天后召开"
    assert Notice.objects.filter(user=invitee.user).count() == 1
    assert set(rows.values_list("status", flat=True)) == {"sent"}


def test_a_second_beat_run_claims_and_sends_nothing_more(meeting, invitee):
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    assert meeting_reminders_queue_due(now=WEEK_MARK + dt.timedelta(minutes=5)) == 0
    send_all(WEEK_MARK + dt.timedelta(minutes=5))
    assert ReminderDelivery.objects.count() == 2
    assert OutboxMessage.objects.filter(task_name=DELIVER_TASK).count() == 2
    assert len(mail.outbox) == 1
    assert Notice.objects.count() == 1


def test_a_retried_task_does_not_send_again(meeting, invitee):
    meeting_reminders_queue_due(now=WEEK_MARK)
    email_row = ReminderDelivery.objects.get(channel="email")
    assert reminder_delivery_send(delivery_id=email_row.pk, now=WEEK_MARK) == "sent"
    assert reminder_delivery_send(delivery_id=email_row.pk, now=WEEK_MARK) == ""
    assert len(mail.outbox) == 1
    email_row.refresh_from_db()
    assert email_row.attempts == 1


def test_declined_invitees_get_no_reminder(meeting, invitee):
    declined = MeetingInvitationFactory(meeting=meeting, response="declined")
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    assert not ReminderDelivery.objects.filter(user=declined.user).exists()
    assert [m.to for m in mail.outbox] == [[invitee.user.email]]


def test_declining_after_the_claim_skips_the_message(meeting, invitee):
    meeting_reminders_queue_due(now=WEEK_MARK)
    invitee.response = "declined"
    invitee.save()
    send_all(WEEK_MARK)
    assert mail.outbox == []
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"skipped"}


def test_the_e_mail_switch_leaves_only_the_portal_notice(meeting, invitee):
    invitee.user.meeting_reminder_email = False
    invitee.user.save()
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    assert list(ReminderDelivery.objects.values_list("channel", flat=True)) == ["portal"]
    assert mail.outbox == []
    assert Notice.objects.filter(user=invitee.user).count() == 1


def test_those_who_have_not_answered_are_nudged_before_the_day_reminder(meeting, invitee):
    pending = MeetingInvitationFactory(meeting=meeting, response="pending")
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    mail.outbox.clear()
    # Two days before: 2026-12-15 09:30; ten minutes later the nudge is due, for them only.
    two_days = START - dt.timedelta(days=2) + dt.timedelta(minutes=10)
    meeting_reminders_queue_due(now=two_days)
    send_all(two_days)
    assert [m.to for m in mail.outbox] == [[pending.user.email]]
    assert mail.outbox[0].subject == "[政银企对接平台] 第四季度政银企座谈会：是否参加？请回复"
    nudges = ReminderDelivery.objects.filter(kind="nudge")
    assert set(nudges.values_list("user_id", flat=True)) == {pending.user_id}
    # The day reminder then goes to both.
    mail.outbox.clear()
    day = START - dt.timedelta(days=1)
    meeting_reminders_queue_due(now=day)
    send_all(day)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pending.user.email, invitee.user.email])


def test_reminder_mail_carries_the_calendar_file_and_the_check_in_code(meeting, invitee):
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    message = mail.outbox[0]
    assert invitee.checkin_code in message.body
    calendar = ics_of(message)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert int(event["SEQUENCE"]) == 0
    # 09:30 Shanghai is 01:30 UTC.
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 17, 1, 30, tzinfo=dt.UTC)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@127.0.0.1"
    images = [a for a in message.attachments if isinstance(a, MIMEBase)]
    assert any(part.get_content_type() == "image/png" for part in images)


def test_rescheduling_sends_an_update_and_fresh_reminders(
    meeting, invitee, finance_user, django_capture_on_commit_callbacks
):
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    mail.outbox.clear()
    # Moved a day later, to 2026-12-18 09:30, on 2026-12-12, through the organiser's service.
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            actor=finance_user,
            starts_at=START + dt.timedelta(days=1),
            ends_at=START + dt.timedelta(days=1, hours=2),
        )
    meeting.refresh_from_db()
    moved_at = dt.datetime(2026, 12, 12, 10, 0, tzinfo=dt.UTC)
    send_all(moved_at)
    (update,) = mail.outbox
    calendar = ics_of(update)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 18, 1, 30, tzinfo=dt.UTC)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@127.0.0.1"
    # The day reminder for the new start (2026-12-17 09:30 Shanghai) goes out once.
    mail.outbox.clear()
    day_before_new = START + dt.timedelta(minutes=5)
    meeting_reminders_queue_due(now=day_before_new)
    send_all(day_before_new)
    assert len(mail.outbox) == 1
    assert ReminderDelivery.objects.filter(
        kind="reminder", channel="email", occurrence_start=meeting.starts_at, offset_minutes=1440
    ).exists()


def test_a_reminder_claimed_for_the_old_start_is_skipped_after_a_move(meeting, invitee):
    meeting_reminders_queue_due(now=WEEK_MARK)
    meeting.starts_at = START + dt.timedelta(days=3)
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=2)
    meeting.save()
    # The old rows are sent only if the meeting still starts when they were claimed for.
    for pk in ReminderDelivery.objects.values_list("pk", flat=True):
        reminder_delivery_send(delivery_id=pk, now=WEEK_MARK)
    assert mail.outbox == []
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"skipped"}


def test_cancelling_sends_a_cancellation(
    meeting, invitee, finance_user, django_capture_on_commit_callbacks
):
    declined = MeetingInvitationFactory(meeting=meeting, response="declined")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=finance_user, reason="台风")
    send_all(WEEK_MARK)
    (cancellation,) = mail.outbox
    assert cancellation.to == [invitee.user.email]
    calendar = ics_of(cancellation)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert not ReminderDelivery.objects.filter(user=declined.user).exists()
    # No reminder for a cancelled meeting afterwards.
    assert meeting_reminders_queue_due(now=START - dt.timedelta(hours=1)) == 0


def test_retries_back_off_doubling_from_a_minute():
    assert [retry_countdown(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_an_inactive_user_gets_nothing(meeting):
    gone = UserFactory(username="gone", is_active=False)
    MeetingInvitationFactory(meeting=meeting, user=gone)
    assert meeting_reminders_queue_due(now=WEEK_MARK) == 0


def test_the_preferences_page_has_the_meeting_reminder_e_mail_switch(web_as, enterprise_member):
    web = web_as(enterprise_member)
    csrf_post(
        web,
        reverse("accounts:preferences"),
        {"email": enterprise_member.email, "phone": "", "email_notifications": "on"},
    )
    enterprise_member.refresh_from_db()
    assert enterprise_member.meeting_reminder_email is False
    assert enterprise_member.email_notifications is True
    csrf_post(
        web,
        reverse("accounts:preferences"),
        {"email": enterprise_member.email, "phone": "", "meeting_reminder_email": "on"},
    )
    enterprise_member.refresh_from_db()
    assert enterprise_member.meeting_reminder_email is True


def test_a_pending_invitee_answers_from_the_link_in_the_reminder(meeting, client):
    pending = MeetingInvitationFactory(meeting=meeting, response="pending")
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    (message,) = [m for m in mail.outbox if m.to == [pending.user.email]]
    link = next(word for word in message.body.split() if "/meetings/answer/" in word)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = csrf_post(client, path, {"answer": "decline", "substitute_name": "李会计"})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert (pending.response, pending.substitute_name) == ("declined", "李会计")
    assert "_auth_user_id" not in client.session


def test_a_reminder_lists_the_invitees_one_to_one_talks(meeting, officer_user, enterprise):
    from meetings.models import TalkSlot

    MeetingInvitationFactory(meeting=meeting, user=officer_user, response="accepted")
    TalkSlot.objects.create(
        meeting=meeting,
        institution=officer_user.officer.institution,
        enterprise=enterprise,
        starts_at=START + dt.timedelta(minutes=30),
        ends_at=START + dt.timedelta(minutes=45),
    )
    meeting_reminders_queue_due(now=WEEK_MARK)
    send_all(WEEK_MARK)
    (message,) = [m for m in mail.outbox if m.to == [officer_user.email]]
    line = f"10:00–10:15：{officer_user.officer.institution}与{enterprise.name}"
    assert line in message.body
    (event,) = ics_of(message).walk("VEVENT")
    assert line in str(event["DESCRIPTION"])


def test_an_invitee_added_late_gets_one_message_not_a_reminder_and_a_nudge_at_once(meeting):
    """Found walking the product: invited a day and a half before, an invitee who had not answered
    got the week reminder and the nudge in the same minute, and the day reminder soon after."""
    pending = MeetingInvitationFactory(meeting=meeting, response="pending")
    late = START - dt.timedelta(days=1, hours=12)
    meeting_reminders_queue_due(now=late)
    send_all(late)
    (only,) = mail.outbox
    assert only.subject.startswith("[政银企对接平台] 会议提醒：第四季度政银企座谈会")
    nudges = ReminderDelivery.objects.filter(user=pending.user, kind="nudge")
    assert set(nudges.values_list("status", flat=True)) == {"skipped"}
    # The next beat run sends nothing more: the nudge stays claimed.
    mail.outbox.clear()
    later = late + dt.timedelta(minutes=5)
    meeting_reminders_queue_due(now=later)
    send_all(later)
    assert mail.outbox == []
