import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from core.audit import audit_for_object
from core.workflow import IllegalTransition
from enterprises.models import FinancingNeed
from leads.models import Lead, LoanAgreement
from leads.services import (
    ServiceError,
    lead_approve,
    lead_assign,
    lead_claim,
    lead_decline,
    lead_record_contact,
    lead_request_info,
    lead_start_review,
    loan_agreement_sign,
    need_release_to_other_institutions,
)
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, LeadFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(officer_user):
    return officer_user.officer


@pytest.fixture
def lead(officer, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    return LeadFactory(need=need, institution=officer.institution)


def _sign(lead, officer, **overrides):
    data = {
        "amount": Decimal("1500000.00"),
        "rate": Decimal("3.85"),
        "term_months": 12,
        "signed_on": timezone.localdate(),
        "contract_number": "QX-2026-001",
    }
    data.update(overrides)
    return loan_agreement_sign(lead=lead, officer=officer, **data)


def test_claiming_puts_the_need_in_progress_and_tells_the_enterprise(
    lead, officer, enterprise_member
):
    lead_claim(lead=lead, officer=officer)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CLAIMED and lead.assigned_to == officer
    lead.need.refresh_from_db()
    assert lead.need.status == FinancingNeed.Status.IN_PROGRESS
    assert Notice.objects.filter(user=enterprise_member, title__contains="对接中").exists()


def test_recording_contact_stamps_the_first_contact_once(lead, officer):
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer, note="电话沟通")
    lead.refresh_from_db()
    first = lead.first_contacted_at
    assert first is not None
    lead_request_info(lead=lead, officer=officer, note="请补充近三年财务报表")
    lead_record_contact(lead=lead, officer=officer, note="收到报表")
    lead.refresh_from_db()
    assert lead.first_contacted_at == first


def test_asking_for_information_needs_a_note_and_reaches_the_enterprise(
    lead, officer, enterprise_member
):
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer)
    with pytest.raises(ServiceError):
        lead_request_info(lead=lead, officer=officer, note=" ")
    lead_request_info(lead=lead, officer=officer, note="请补充近三年财务报表")
    notice = Notice.objects.get(user=enterprise_member, title__endswith="需要补充材料")
    assert notice.body == "请补充近三年财务报表"


def test_the_whole_way_to_a_signed_agreement(lead, officer, enterprise_member):
    other = LeadFactory(need=lead.need, status="claimed")
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer)
    lead_start_review(lead=lead, officer=officer)
    lead_approve(lead=lead, officer=officer)
    agreement = _sign(lead, officer)
    lead.refresh_from_db()
    lead.need.refresh_from_db()
    other.refresh_from_db()
    assert lead.status == Lead.Status.SIGNED
    assert lead.need.status == FinancingNeed.Status.SIGNED
    assert other.status == Lead.Status.CLOSED
    assert (
        agreement.amount == Decimal("1500000.00") and agreement.institution == officer.institution
    )
    steps = list(audit_for_object(lead).values_list("to_state", flat=True))
    assert steps == ["claimed", "contacted", "under_review", "approved", "signed"]
    assert Notice.objects.filter(user=enterprise_member, title__contains="已签约").exists()


def test_signing_before_approval_is_refused(lead, officer):
    lead_claim(lead=lead, officer=officer)
    with pytest.raises(IllegalTransition):
        _sign(lead, officer)
    assert not LoanAgreement.objects.exists()


def test_a_contract_number_is_used_once_per_institution(officer, enterprise):
    first = LeadFactory(
        need=FinancingNeedFactory(enterprise=enterprise, status="in_progress"),
        institution=officer.institution,
        status="approved",
    )
    second = LeadFactory(
        need=FinancingNeedFactory(enterprise=enterprise, status="in_progress"),
        institution=officer.institution,
        status="approved",
    )
    _sign(first, officer)
    with pytest.raises(ServiceError) as info:
        _sign(second, officer)
    assert info.value.field == "contract_number"
    second.refresh_from_db()
    assert second.status == Lead.Status.APPROVED


def test_a_future_signing_date_is_refused(lead, officer):
    Lead.objects.filter(pk=lead.pk).update(status="approved")
    lead.need.status = "in_progress"
    lead.need.save()
    with pytest.raises(ServiceError) as info:
        _sign(lead, officer, signed_on=timezone.localdate() + dt.timedelta(days=1))
    assert info.value.field == "signed_on"


def test_declining_needs_a_reason_from_the_list(lead, officer):
    with pytest.raises(ServiceError):
        lead_decline(lead=lead, officer=officer, reason="because")
    with pytest.raises(ServiceError):
        lead_decline(lead=lead, officer=officer, reason="other", note="")
    lead_decline(lead=lead, officer=officer, reason="collateral", note="抵押物不足")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.DECLINED and lead.decline_reason == "collateral"


def test_when_every_holder_declines_the_enterprise_is_asked(lead, officer, enterprise_member):
    lead_claim(lead=lead, officer=officer)
    lead_decline(lead=lead, officer=officer, reason="financials")
    lead.need.refresh_from_db()
    assert lead.need.status == FinancingNeed.Status.ALL_DECLINED
    assert Notice.objects.filter(user=enterprise_member, title__contains="均已婉拒").exists()


@pytest.mark.django_db(transaction=True)
def test_the_enterprise_lets_the_need_go_to_other_institutions(
    celery_worker, lead, officer, enterprise_member
):
    from tests.conftest import wait_for
    from tests.factories import LoanProductFactory

    lead_claim(lead=lead, officer=officer)
    lead_decline(lead=lead, officer=officer, reason="financials")
    # A first-loan product of another institution scores above the threshold for this need.
    other_product = LoanProductFactory(tags=["mortgage", "first_loan"])
    LoanProductFactory(institution=officer.institution, tags=["mortgage", "first_loan"])
    need_release_to_other_institutions(need=lead.need, actor=enterprise_member)
    lead.need.refresh_from_db()
    assert lead.need.status == FinancingNeed.Status.SUBMITTED
    # The worker rescores the need and hands it to the other matching institution.
    assert wait_for(
        lambda: Lead.objects.filter(need=lead.need, institution=other_product.institution).exists()
    )
    institutions = set(Lead.objects.filter(need=lead.need).values_list("institution_id", "status"))
    assert institutions == {
        (officer.institution_id, "declined"),
        (other_product.institution_id, "new"),
    }


def test_assigning_to_a_colleague(lead, officer):
    colleague = OfficerFactory(institution=officer.institution)
    lead_assign(lead=lead, officer=officer, assignee=colleague)
    lead.refresh_from_db()
    assert lead.assigned_to == colleague and lead.status == Lead.Status.CLAIMED
    assert Notice.objects.filter(user=colleague.user).exists()


def test_assigning_to_another_institutions_officer_is_refused(lead, officer, other_officer_user):
    with pytest.raises(ServiceError):
        lead_assign(lead=lead, officer=officer, assignee=other_officer_user.officer)


def test_recorded_steps_cannot_be_edited(lead, officer):
    lead_claim(lead=lead, officer=officer)
    step = audit_for_object(lead).get()
    step.note = "改写"
    with pytest.raises(PermissionError):
        step.save()
    with pytest.raises(PermissionError):
        audit_for_object(lead).update(note="改写")
    with pytest.raises(PermissionError):
        step.delete()
    assert audit_for_object(lead).get().note == ""


def test_an_officer_of_another_institution_cannot_act(lead, other_officer_user):
    with pytest.raises(ServiceError):
        lead_claim(lead=lead, officer=other_officer_user.officer)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_the_sign_form_reports_field_errors_in_chinese(web_as, officer_user, lead):
    Lead.objects.filter(pk=lead.pk).update(status="approved")
    web = web_as(officer_user)
    url = reverse("banks:lead_sign", args=[lead.pk])
    response = csrf_post(
        web,
        url,
        {
            "amount": "",
            "rate": "3.85",
            "term_months": "12",
            "signed_on": "2026-01-05",
            "contract_number": "X1",
        },
        form_url=reverse("banks:lead_detail", args=[lead.pk]),
    )
    assert response.status_code == 400
    assert "该字段是必填项" in response.content.decode()
    assert not LoanAgreement.objects.exists()


def test_the_enterprise_sees_every_step_on_its_timeline(client, lead, officer, enterprise_member):
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer, note="已电话联系财务负责人")
    client.force_login(enterprise_member)
    body = client.get(lead.need.get_absolute_url()).content.decode()
    assert "已认领" in body and "已联系" in body and "已电话联系财务负责人" in body
