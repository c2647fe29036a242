"""Item 9 of issue 10: the follow-up (履约跟踪) of each agreement signed at a meeting, and the
notice to institutions whose agreements still wait for their money after N days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Notice
from accounts.tasks import send_notice_email
from config.celery import app
from core.models import OutboxMessage
from leads.meeting_selectors import follow_up_agreements, follow_up_summary
from leads.models import Disbursement
from leads.services import meeting_follow_up_notices_send

pytestmark = pytest.mark.django_db
WAN = Decimal(10_000)


@pytest.fixture
def paid(signed_meeting, officer_user):
    """A×E1 (3,000万元, signed 40 days ago) paid out in two parts, 10 and 20 days after."""
    a1 = signed_meeting["a1"]
    for wan, days in ((1000, 10), (2000, 20)):
        Disbursement.objects.create(
            agreement=a1,
            amount=wan * WAN,
            disbursed_on=a1.signed_on + dt.timedelta(days=days),
            recorded_by=officer_user,
        )
    return signed_meeting


def test_each_agreement_shows_its_payments_or_its_wait(paid):
    rows = {
        a.pk: (a.disbursed / WAN, a.days_to_disburse, a.days_waited)
        for a in follow_up_agreements(paid["meeting"])
    }
    assert rows == {
        paid["a1"].pk: (Decimal(3000), 10, None),
        paid["a2"].pk: (Decimal(0), None, 40),
        paid["a3"].pk: (Decimal(0), None, 5),
    }


def test_the_summary_counts_paid_and_waiting_agreements(paid):
    summary = follow_up_summary(follow_up_agreements(paid["meeting"]), overdue_days=30)
    assert summary == {
        "count": 3,
        "signed_amount": 5000 * WAN,
        "disbursed_count": 1,
        "disbursed_amount": 3000 * WAN,
        "waiting_count": 2,
        "overdue_count": 1,
        "overdue_days": 30,
    }


def test_the_follow_up_page_lists_the_meetings_agreements(paid, finance_user, client):
    client.force_login(finance_user)
    response = client.get(reverse("office:meeting_follow_up", kwargs={"pk": paid["meeting"].pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="disbursed-amount">3,000.00万元<' in html
    assert 'id="waiting-count">2<' in html
    assert "清溪乙公司" in html and "9,999" not in html


def _run_queued_mail():
    for message in OutboxMessage.objects.filter(task_name=send_notice_email.name):
        app.tasks[message.task_name].apply(args=message.args)


def test_institutions_hear_once_of_agreements_waiting_past_the_setting(
    paid, institution_admin, officer_user
):
    # Waiting 30 days or more: A×E2 (40 days) and A's agreement at another meeting (40 days).
    # B×E3 waits 5 days; B×E1 was voided; A×E1 was paid.
    assert meeting_follow_up_notices_send() == 2
    notices = Notice.objects.order_by("user_id")
    assert {n.user for n in notices} == {institution_admin, officer_user}
    assert all("清溪乙公司" in n.body and "清溪丙公司" not in n.body for n in notices)
    assert meeting_follow_up_notices_send() == 0  # the job ran twice
    _run_queued_mail()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [institution_admin.email, officer_user.email]
    )


def test_the_number_of_days_is_a_setting(paid, settings, institution_admin, officer_user):
    settings.MEETING_FOLLOW_UP_DAYS = 3
    assert meeting_follow_up_notices_send() == 3  # B×E3's recorder too
    assert Notice.objects.filter(user=paid["officer_b"].user, body__contains="清溪丙公司").exists()


def test_the_follow_up_task_runs_the_service_and_is_scheduled_daily(paid):
    assert app.tasks["leads.tasks.send_meeting_follow_up_notices"].apply().get() == 2
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "leads.tasks.send_meeting_follow_up_notices" in tasks


def test_a_new_payment_stops_further_notices(paid, officer_user):
    Disbursement.objects.create(
        agreement=paid["a2"],
        amount=100 * WAN,
        disbursed_on=paid["a2"].signed_on + dt.timedelta(days=35),
        recorded_by=officer_user,
    )
    Disbursement.objects.create(
        agreement=paid["elsewhere"],
        amount=100 * WAN,
        disbursed_on=paid["elsewhere"].signed_on + dt.timedelta(days=35),
        recorded_by=officer_user,
    )
    assert meeting_follow_up_notices_send() == 0
