"""Item 7 of issue 9: officers hear of new leads (one notice per officer per batch, e-mailed at
once or in a daily digest by their preference); the admin sees the unassigned new leads."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Notice, User
from accounts.tasks import send_notice_email
from core.models import OutboxMessage
from enterprises.models import FinancingNeed
from leads.models import Lead
from leads.services import new_lead_digests_send
from matchmaking.engine import recompute_all
from tests.conftest import csrf_post, run_outbox
from tests.factories import FinancingNeedFactory, LoanProductFactory, OfficerFactory

pytestmark = pytest.mark.django_db

GOOD = {"tags": ["mortgage", "first_loan"]}
NEEDS = 3


@pytest.fixture
def three_new_leads(institution, officer_user, institution_admin, enterprise):
    LoanProductFactory(institution=institution, **GOOD)
    for _ in range(NEEDS):
        FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)


def _set_preference(user, value):
    User.objects.filter(pk=user.pk).update(lead_email=value)


def test_a_batch_of_new_leads_gives_each_active_officer_one_notice(
    institution, officer_user, institution_admin, three_new_leads
):
    gone = OfficerFactory(institution=institution, is_active=False).user
    recompute_all()
    assert Lead.objects.filter(institution=institution, status="new").count() == NEEDS
    for user in (officer_user, institution_admin):
        notices = Notice.objects.filter(user=user)
        assert [n.title for n in notices] == [f"新到{NEEDS}条线索"]
    assert not Notice.objects.filter(user=gone).exists()


def test_immediate_officers_get_mail_at_once_and_digest_officers_do_not(
    officer_user,
    institution_admin,
    three_new_leads,
):
    _set_preference(officer_user, User.LeadEmail.IMMEDIATE)
    _set_preference(institution_admin, User.LeadEmail.DAILY)
    recompute_all()
    run_outbox(send_notice_email.name)
    assert [m.to for m in mail.outbox] == [[officer_user.email]]
    assert f"新到{NEEDS}条线索" in mail.outbox[0].subject


def test_the_daily_digest_goes_once_to_digest_officers(
    officer_user,
    institution_admin,
    three_new_leads,
):
    _set_preference(officer_user, User.LeadEmail.IMMEDIATE)
    _set_preference(institution_admin, User.LeadEmail.DAILY)
    recompute_all()
    OutboxMessage.objects.all().delete()  # the immediate mail is another test's business
    assert new_lead_digests_send() == 1
    assert new_lead_digests_send() == 0  # the job ran twice
    run_outbox(send_notice_email.name)
    assert [m.to for m in mail.outbox] == [[institution_admin.email]]
    assert f"{NEEDS}条" in mail.outbox[0].subject


def test_the_digest_job_is_scheduled_daily():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "leads.tasks.send_new_lead_digests" in tasks


def test_the_admin_sees_the_unassigned_new_leads_on_home_and_in_the_inbox(
    client, institution, officer_user, institution_admin, three_new_leads
):
    recompute_all()
    taken = Lead.objects.filter(institution=institution).first()
    Lead.objects.filter(pk=taken.pk).update(assigned_to=officer_user.officer)
    client.force_login(institution_admin)
    home = client.get(reverse("banks:home"))
    assert home.context["lead_counts"]["unassigned_new"] == NEEDS - 1
    assert 'id="unassigned-new"' in home.content.decode()
    inbox = client.get(reverse("banks:lead_list"), {"status": "new", "unassigned": "true"})
    shown = {lead.pk for lead in inbox.context["page"].object_list}
    assert len(shown) == NEEDS - 1 and taken.pk not in shown


def test_officers_choose_the_e_mail_rhythm_on_the_preferences_page(
    web_as, officer_user, client, enterprise_member
):
    web = web_as(officer_user)
    url = reverse("accounts:preferences")
    assert "新线索邮件提醒" in web.get(url).content.decode()
    csrf_post(
        web,
        url,
        {
            "email": officer_user.email,
            "phone": "",
            "email_notifications": "on",
            "lead_email": "immediate",
        },
    )
    officer_user.refresh_from_db()
    assert officer_user.lead_email == User.LeadEmail.IMMEDIATE
    client.force_login(enterprise_member)
    assert "新线索邮件提醒" not in client.get(url).content.decode()
