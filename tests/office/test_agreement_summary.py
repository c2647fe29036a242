"""Issue 11, item 9: the pre-aggregated totals always equal the sum of the counted agreements,
after signing, voiding and correcting through the services and after a rebuild."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from core.errors import ServiceError
from leads.models import LoanAgreement
from leads.services import (
    agreement_correction_decide,
    agreement_correction_request,
    lead_approve,
    lead_claim,
    lead_record_contact,
    lead_start_review,
    loan_agreement_sign,
)
from office.models import AgreementSummary
from office.summary import summary_rebuild
from tests.factories import FinancingNeedFactory, LeadFactory

pytestmark = pytest.mark.django_db

WAN = Decimal(10_000)


def _summary_totals():
    totals = AgreementSummary.objects.aggregate(n=Sum("agreements"), fen=Sum("amount_fen"))
    return totals["n"] or 0, Decimal(totals["fen"] or 0) / 100


def _agreement_totals():
    totals = LoanAgreement.objects.filter(voided_at__isnull=True).aggregate(
        n=Count("id"), amount=Sum("amount")
    )
    return totals["n"], totals["amount"] or Decimal(0)


def _by_month():
    return {
        row["month"]: (row["n"], row["fen"])
        for row in AgreementSummary.objects.values("month").annotate(
            n=Sum("agreements"), fen=Sum("amount_fen")
        )
    }


def _sign(officer, amount_wan, number, *, signed_on=None):
    need = FinancingNeedFactory(
        status="submitted",
        amount=amount_wan * WAN,
        submitted_at=timezone.now() - dt.timedelta(days=90),
    )
    lead = LeadFactory(need=need, institution=officer.institution)
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer, note="电话联系")
    lead_start_review(lead=lead, officer=officer)
    lead_approve(lead=lead, officer=officer)
    return loan_agreement_sign(
        lead=lead,
        officer=officer,
        amount=amount_wan * WAN,
        rate=Decimal("3.85"),
        term_months=12,
        signed_on=signed_on or timezone.localdate(),
        contract_number=number,
        purpose="new",
        security="credit",
        first_loan=True,
    )


def test_sign_void_correct_and_rebuild_keep_the_totals_equal(officer_user, finance_user):
    officer = officer_user.officer
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=45)
    first = _sign(officer, 100, "S-1")
    second = _sign(officer, 50, "S-2")
    assert _summary_totals() == (2, 150 * WAN) == _agreement_totals()

    # Corrected to 120万, signed 45 days earlier: the row moves to that month.
    correction = agreement_correction_request(
        agreement=first,
        officer=officer,
        kind="correct",
        reason="金额录错",
        amount=120 * WAN,
        signed_on=earlier,
    )
    agreement_correction_decide(correction=correction, actor=finance_user, approve=True)
    assert _summary_totals() == (2, 170 * WAN) == _agreement_totals()
    month, earlier_month = today.replace(day=1), earlier.replace(day=1)
    assert _by_month() == {month: (1, 50 * WAN * 100), earlier_month: (1, 120 * WAN * 100)}

    void = agreement_correction_request(
        agreement=second, officer=officer, kind="void", reason="合同作废"
    )
    agreement_correction_decide(correction=void, actor=finance_user, approve=True)
    assert _summary_totals() == (1, 120 * WAN) == _agreement_totals()
    assert _by_month() == {earlier_month: (1, 120 * WAN * 100)}

    # A rejected request changes nothing.
    rejected = agreement_correction_request(
        agreement=first, officer=officer, kind="void", reason="试试"
    )
    agreement_correction_decide(correction=rejected, actor=finance_user, approve=False)
    assert _summary_totals() == (1, 120 * WAN)

    # The rebuild finds nothing to change, and repairs a summary that drifted.
    assert summary_rebuild() == {"added": 0, "changed": 0, "removed": 0}
    AgreementSummary.objects.update(agreements=7, amount_fen=1)
    AgreementSummary.objects.create(
        month=dt.date(2020, 1, 1),
        institution_key=1,
        purpose="new",
        security="credit",
        first_loan=False,
        agreements=3,
        amount_fen=300,
    )
    assert summary_rebuild() == {"added": 0, "changed": 1, "removed": 1}
    assert _summary_totals() == (1, 120 * WAN) == _agreement_totals()

    # An empty summary is filled again (on PostgreSQL by one INSERT ... SELECT).
    _sign(officer, 35, "S-3")
    AgreementSummary.objects.all().delete()
    assert summary_rebuild()["added"] == 2
    assert _summary_totals() == (2, 155 * WAN) == _agreement_totals()
    assert summary_rebuild() == {"added": 0, "changed": 0, "removed": 0}


def test_a_failed_signing_leaves_the_summary_alone(officer_user):
    officer = officer_user.officer
    _sign(officer, 100, "S-1")
    with pytest.raises(ServiceError):  # the duplicate contract number is refused
        _sign(officer, 80, "S-1")
    assert _summary_totals() == (1, 100 * WAN)


def test_rebuild_counts_agreements_written_around_the_services(officer_user):
    lead = LeadFactory(institution=officer_user.officer.institution, status="signed")
    LoanAgreement.objects.create(
        lead=lead,
        institution=lead.institution,
        amount=Decimal("12345.67"),
        rate=Decimal("4.00"),
        term_months=6,
        signed_on=dt.date(2024, 2, 29),
        contract_number="H-1",
    )
    assert _summary_totals() == (0, 0)
    summary_rebuild()
    assert _summary_totals() == (1, Decimal("12345.67"))
    row = AgreementSummary.objects.get()
    assert row.month == dt.date(2024, 2, 1)
    assert row.chain_key == lead.need.enterprise.chain_id
