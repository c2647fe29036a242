"""Item 1 of issue 9: a recorded agreement is corrected or voided only through a request an
officer of its institution files and the finance office decides, with audit events."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from core.audit import audit_for_object
from leads.models import AgreementCorrection, LoanAgreement
from leads.selectors import meeting_signed_total, signed_totals
from leads.services import (
    ServiceError,
    agreement_correction_decide,
    agreement_correction_request,
)
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, LeadFactory, MeetingFactory

pytestmark = pytest.mark.django_db

WRONG = Decimal("800000000.00")  # 80,000万 recorded by mistake
OTHER = Decimal("1500000.00")


@pytest.fixture
def officer(officer_user):
    return officer_user.officer


def _agreement(institution, amount, number, meeting=None):
    need = FinancingNeedFactory(status="signed", submitted_at=timezone.now() - dt.timedelta(days=5))
    lead = LeadFactory(need=need, institution=institution, status="signed")
    return LoanAgreement.objects.create(
        lead=lead,
        institution=institution,
        amount=amount,
        rate=Decimal("3.85"),
        term_months=12,
        signed_on=timezone.localdate(),
        contract_number=number,
        meeting=meeting,
    )


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def agreement(officer, meeting):
    return _agreement(officer.institution, WRONG, "QX-1", meeting)


@pytest.fixture
def other_agreement(officer):
    return _agreement(officer.institution, OTHER, "QX-2")


def test_an_approved_void_removes_the_agreement_from_every_total(
    agreement, other_agreement, officer, finance_user, meeting
):
    assert signed_totals() == {"amount": WRONG + OTHER, "count": 2}
    correction = agreement_correction_request(
        agreement=agreement, officer=officer, kind="void", reason="金额录入错误"
    )
    assert signed_totals()["amount"] == WRONG + OTHER  # nothing changes before approval
    agreement_correction_decide(correction=correction, actor=finance_user, approve=True)
    agreement.refresh_from_db()
    assert agreement.voided_at is not None
    assert signed_totals() == {"amount": OTHER, "count": 1}
    assert meeting_signed_total(meeting=meeting) == Decimal("0.00")
    assert audit_for_object(agreement).filter(actor=finance_user).exists()
    assert list(audit_for_object(correction).values_list("to_state", flat=True)) == [
        "pending",
        "approved",
    ]
    assert Notice.objects.filter(user=officer.user, title__contains="QX-1").exists()


def test_an_approved_correction_applies_the_proposed_figures(
    agreement, other_agreement, officer, finance_user
):
    correction = agreement_correction_request(
        agreement=agreement,
        officer=officer,
        kind="correct",
        reason="多输了三个零",
        amount=Decimal("800000.00"),
    )
    agreement_correction_decide(correction=correction, actor=finance_user, approve=True)
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("800000.00") and agreement.rate == Decimal("3.85")
    assert signed_totals()["amount"] == Decimal("800000.00") + OTHER
    assert "800,000,000.00" in audit_for_object(agreement).get(action="changed").note


def test_a_rejected_request_changes_nothing(agreement, officer, finance_user):
    correction = agreement_correction_request(
        agreement=agreement, officer=officer, kind="void", reason="误操作"
    )
    agreement_correction_decide(
        correction=correction, actor=finance_user, approve=False, note="金额属实"
    )
    agreement.refresh_from_db()
    correction.refresh_from_db()
    assert agreement.voided_at is None and correction.status == "rejected"
    assert signed_totals()["amount"] == WRONG


def test_a_correction_is_held_to_the_signing_bounds(agreement, officer):
    with pytest.raises(ServiceError) as refused:
        agreement_correction_request(
            agreement=agreement,
            officer=officer,
            kind="correct",
            reason="利率",
            rate=Decimal("36.01"),
        )
    assert refused.value.field == "rate"
    assert not AgreementCorrection.objects.exists()


def test_one_pending_request_per_agreement(agreement, officer):
    agreement_correction_request(agreement=agreement, officer=officer, kind="void", reason="重复")
    with pytest.raises(ServiceError):
        agreement_correction_request(
            agreement=agreement, officer=officer, kind="void", reason="再次"
        )
    assert AgreementCorrection.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["other_officer_user", "enterprise_member", "finance_user", "outsider"]
)
def test_only_an_officer_of_the_agreements_institution_may_ask(agreement, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(ServiceError):
        agreement_correction_request(
            agreement=agreement, officer=getattr(user, "officer", None), kind="void", reason="试试"
        )
    assert not AgreementCorrection.objects.exists()


@pytest.mark.parametrize(
    "persona", ["officer_user", "institution_admin", "bureau_user", "enterprise_member", "outsider"]
)
def test_only_the_finance_office_decides(agreement, officer, persona, request):
    correction = agreement_correction_request(
        agreement=agreement, officer=officer, kind="void", reason="金额录入错误"
    )
    with pytest.raises(ServiceError):
        agreement_correction_decide(
            correction=correction, actor=request.getfixturevalue(persona), approve=True
        )
    agreement.refresh_from_db()
    assert agreement.voided_at is None
    assert signed_totals()["amount"] == WRONG


def test_the_whole_flow_through_the_pages(web_as, officer_user, finance_user, agreement):
    web = web_as(officer_user)
    lead_url = reverse("banks:lead_detail", args=[agreement.lead_id])
    response = csrf_post(
        web,
        reverse("banks:agreement_correction_request", args=[agreement.lead_id]),
        {"kind": "correct", "amount": "80", "reason": "多输了三个零"},
        form_url=lead_url,
    )
    assert response.status_code == 302
    office = web_as(finance_user)
    page = office.get(reverse("office:agreement_corrections"))
    assert "多输了三个零" in page.content.decode()
    correction = AgreementCorrection.objects.get()
    response = csrf_post(
        office,
        reverse("office:agreement_correction_decide", args=[correction.pk]),
        {"decision": "approve"},
        form_url=reverse("office:agreement_corrections"),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("800000.00")


@pytest.mark.parametrize(
    "persona", ["officer_user", "bureau_user", "enterprise_member", "outsider"]
)
def test_the_review_page_refuses_everyone_but_the_finance_office(
    client, persona, request, agreement, officer
):
    correction = agreement_correction_request(
        agreement=agreement, officer=officer, kind="void", reason="金额录入错误"
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("office:agreement_corrections")).status_code == 403
    response = csrf_post(
        client,
        reverse("office:agreement_correction_decide", args=[correction.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 403
    correction.refresh_from_db()
    assert correction.decided_at is None
    agreement.refresh_from_db()
    assert agreement.voided_at is None


def test_an_officer_of_another_institution_cannot_reach_the_request_door(
    web_as, other_officer_user, agreement
):
    web = web_as(other_officer_user)
    response = csrf_post(
        web,
        reverse("banks:agreement_correction_request", args=[agreement.lead_id]),
        {"kind": "void", "reason": "试试"},
        form_url=reverse("banks:home"),
    )
    assert response.status_code == 404
    assert not AgreementCorrection.objects.exists()
