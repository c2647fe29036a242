"""Every lead state change goes through the lead status map and the audit log, the bulk and
automatic ones included: what the system closes shows "system" as the actor, the right reason and
the lead's own institution, and that institution is told."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from core.audit import audit_for_object
from enterprises.models import FinancingNeed
from enterprises.services import financing_need_revoke_access, financing_need_withdraw
from leads.models import Lead
from leads.selectors import need_timeline
from leads.services import loan_agreement_sign
from matchmaking.engine import rescore_need
from tests.conftest import csrf_post
from tests.factories import (
    FinancingNeedFactory,
    LeadFactory,
    LoanProductFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(enterprise):
    return FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.IN_PROGRESS)


@pytest.fixture
def signer(need):
    officer = OfficerFactory()
    LeadFactory(need=need, institution=officer.institution, status=Lead.Status.APPROVED)
    return officer


@pytest.fixture
def rival(need):
    """Another institution's admin, holding an unassigned lead on the same need."""
    admin = OfficerFactory(role="admin")
    lead = LeadFactory(need=need, institution=admin.institution, status=Lead.Status.CONTACTED)
    return admin, lead


def _closing_event(lead):
    return audit_for_object(lead).get(to_state=Lead.Status.CLOSED)


def test_a_lead_closed_by_signing_elsewhere_shows_the_system_and_its_own_institution(
    need, signer, rival
):
    rival_admin, rival_lead = rival
    signing_lead = Lead.objects.get(need=need, institution=signer.institution)
    loan_agreement_sign(
        lead=signing_lead,
        officer=signer,
        amount=Decimal("1000000.00"),
        rate=Decimal("3.90"),
        term_months=12,
        signed_on=timezone.localdate(),
        contract_number="HT-1",
    )
    rival_lead.refresh_from_db()
    assert rival_lead.status == Lead.Status.CLOSED
    event = _closing_event(rival_lead)
    assert event.actor is None and event.actor_role == "system"
    assert event.from_state == Lead.Status.CONTACTED
    assert event.note == "企业已与其他机构签约。"
    entry = next(row for row in need_timeline(need=need) if row["text"] == "企业已与其他机构签约。")
    assert entry["is_system"] and entry["actor"] is None
    assert entry["institution"] == rival_admin.institution
    assert Notice.objects.filter(user=rival_admin.user, title__contains="线索已关闭").exists()
    assert not Notice.objects.filter(user=signer.user, title__contains="线索已关闭").exists()


def test_withdrawing_closes_every_active_lead_as_the_system(need, enterprise_member, rival):
    rival_admin, rival_lead = rival
    declined = LeadFactory(need=need, status=Lead.Status.DECLINED)
    financing_need_withdraw(need=need, actor=enterprise_member, reason="资金已到位")
    rival_lead.refresh_from_db()
    declined.refresh_from_db()
    assert rival_lead.status == Lead.Status.CLOSED
    assert declined.status == Lead.Status.DECLINED  # a final status is left alone
    event = _closing_event(rival_lead)
    assert (event.actor, event.note) == (None, "企业已撤回该需求。")
    assert Notice.objects.filter(user=rival_admin.user, body="企业已撤回该需求。").exists()


def test_revoking_access_closes_only_that_institutions_lead(need, enterprise_member, rival):
    rival_admin, rival_lead = rival
    other = LeadFactory(need=need, status=Lead.Status.CLAIMED)
    financing_need_revoke_access(
        need=need, institution=rival_admin.institution, actor=enterprise_member
    )
    rival_lead.refresh_from_db()
    other.refresh_from_db()
    assert rival_lead.status == Lead.Status.CLOSED
    assert other.status == Lead.Status.CLAIMED
    assert _closing_event(rival_lead).actor_role == "system"
    revocation = audit_for_object(need).get(action="access_revoked")
    assert revocation.actor == enterprise_member


def test_only_a_member_of_the_enterprise_may_withdraw_or_revoke(need, other_enterprise_member):
    from core.errors import ServiceError

    with pytest.raises(ServiceError):
        financing_need_withdraw(need=need, actor=other_enterprise_member)
    need.refresh_from_db()
    assert need.status == FinancingNeed.Status.IN_PROGRESS


def test_the_engine_closes_an_unmatched_lead_through_the_map_with_a_system_event(enterprise):
    product = LoanProductFactory(tags=["mortgage", "first_loan"])
    admin = OfficerFactory(institution=product.institution, role="admin")
    need = FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need, institution=product.institution)
    FinancingNeed.objects.filter(pk=need.pk).update(term_months=120)
    rescore_need(need.pk)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CLOSED
    event = _closing_event(lead)
    assert (event.actor, event.from_state) == (None, Lead.Status.NEW)
    assert event.note == "该需求已不再匹配本机构的产品。"
    assert Notice.objects.filter(user=admin.user, title__contains="线索已关闭").exists()


def test_the_enterprise_timeline_names_the_system_not_another_banks_officer(
    web_as, enterprise_member, need, signer, rival
):
    rival_admin, _lead = rival
    signing_lead = Lead.objects.get(need=need, institution=signer.institution)
    loan_agreement_sign(
        lead=signing_lead,
        officer=signer,
        amount=Decimal("1000000.00"),
        rate=Decimal("3.90"),
        term_months=12,
        signed_on=timezone.localdate() - dt.timedelta(days=1),
        contract_number="HT-2",
    )
    page = web_as(enterprise_member).get(need.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"') :]
    closing = timeline[: timeline.index("企业已与其他机构签约。")]
    last_entry = closing[closing.rindex("<li") :]
    assert "系统" in last_entry and str(rival_admin.institution) in last_entry
    assert str(signer.user) not in last_entry


def test_after_a_withdrawal_the_officer_is_told_but_sees_nothing_of_the_need(
    web_as, need, rival, enterprise_member
):
    rival_admin, rival_lead = rival
    csrf_post(
        web_as(enterprise_member),
        reverse("enterprises:need_withdraw", args=[need.pk]),
        form_url=need.get_absolute_url(),
    )
    # The enterprise took the need back: the lead's page went with it (issue 13, consent); the
    # institution is told by a notice that names neither the enterprise nor the need.
    page = web_as(rival_admin.user).get(reverse("banks:lead_detail", args=[rival_lead.pk]))
    assert page.status_code == 404
    notice = Notice.objects.get(user=rival_admin.user, title="一条线索已关闭")
    assert notice.body == "企业已撤回该需求。"
    assert notice.url == reverse("banks:lead_list")
