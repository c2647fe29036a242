import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from accounts.models import Notice
from core.models import PortalSettings
from leads.models import Lead
from leads.services import overdue_reminders_send
from matchmaking.engine import rescore_need
from tests.calendar_cn import nth_working_day_after
from tests.factories import FinancingNeedFactory, LeadFactory, LoanProductFactory, OfficerFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_new_lead_is_due_at_the_end_of_the_third_working_day():
    product = LoanProductFactory(tags=["mortgage", "first_loan"])
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need, institution=product.institution)
    received = lead.received_at.astimezone(SHANGHAI).date()
    due = lead.contact_due_at.astimezone(SHANGHAI)
    assert due.time() == dt.time.max
    assert due.date() == nth_working_day_after(received, 3)


def test_the_office_sets_how_many_working_days(db):
    settings_row = PortalSettings.load()
    settings_row.response_working_days = 5
    settings_row.save()
    LoanProductFactory(tags=["mortgage", "first_loan"])
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need)
    assert lead.contact_due_at.astimezone(SHANGHAI).date() == nth_working_day_after(
        lead.received_at.astimezone(SHANGHAI).date(), 5
    )


def test_overdue_reminders_go_once_a_day(
    institution_admin, officer_user, finance_user, institution
):
    now = dt.datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    LeadFactory(institution=institution, contact_due_at=now - dt.timedelta(days=1))
    LeadFactory(
        institution=institution, contact_due_at=now - dt.timedelta(days=2), status="claimed"
    )
    LeadFactory(institution=institution, contact_due_at=now + dt.timedelta(days=1))  # not yet due
    contacted = LeadFactory(
        institution=institution, contact_due_at=now - dt.timedelta(days=1), status="contacted"
    )
    contacted.first_contacted_at = now - dt.timedelta(days=2)
    contacted.save()

    # Admins who must not hear of it: another institution's, and one who left.
    other_admin = OfficerFactory(role="admin").user
    departed = OfficerFactory(institution=institution, role="admin", is_active=False).user
    locked_out = OfficerFactory(institution=institution, role="admin", user__is_active=False).user

    first = overdue_reminders_send(now=now)
    second = overdue_reminders_send(now=now)
    assert first == {"admins": 1, "finance_office": 1}
    assert not Notice.objects.filter(user__in=[other_admin, departed, locked_out]).exists()
    assert second == {"admins": 0, "finance_office": 0}
    admin_notice = Notice.objects.get(user=institution_admin)
    assert admin_notice.title == "2条线索已超过首次联系时限"
    overdue = Lead.objects.filter(institution=institution, contact_due_at__lt=now).exclude(
        pk=contacted.pk
    )
    lines = sorted(
        f"{lead.need.enterprise.name} · {lead.need.purpose} · 截止"
        f"{lead.contact_due_at.astimezone(SHANGHAI):%Y-%m-%d}"
        for lead in overdue
    )
    assert sorted(admin_notice.body.split("\n")) == lines
    assert not Notice.objects.filter(user=officer_user).exists()  # only admins
    digest = Notice.objects.get(user=finance_user)
    assert "逾期2条" in digest.body
    # The next day it goes again.
    assert overdue_reminders_send(now=now + dt.timedelta(days=1))["admins"] == 1


def test_the_reminder_job_is_scheduled_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["send-overdue-reminders"]
    assert entry["task"] == "leads.tasks.send_overdue_reminders"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {30}
