"""Issue 11, item 2: the funnel from need to disbursement, against a hand-worked March 2025
(no holiday in it: working days are Monday to Friday).

    N1 100万  submitted Mon 03-03; lead received 03-03 (0 wd); contacted Wed 03-05 (2 wd);
              approved Fri 03-07 (2 wd); signed 90万 on Wed 03-12 (3 wd: 10, 11, 12);
              disbursed 60万 on Fri 03-14 (2 wd)
    N2  50万  submitted 03-03; lead received Tue 03-04 (1 wd); contacted Mon 03-10 (4 wd)
    N3  30万  submitted 03-03; no lead
    N4  70万  submitted 2025-02-03 (outside March)
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from leads.models import Disbursement, LoanAgreement
from tests.factories import FinancingNeedFactory, InstitutionFactory, LeadFactory

pytestmark = pytest.mark.django_db

WAN = Decimal(10_000)


def _at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def march():
    d = dt.date
    bank, other_bank = InstitutionFactory(short_name="甲行"), InstitutionFactory(short_name="乙行")
    n1 = FinancingNeedFactory(status="signed", amount=100 * WAN, submitted_at=_at(d(2025, 3, 3)))
    n2 = FinancingNeedFactory(
        status="in_progress", amount=50 * WAN, submitted_at=_at(d(2025, 3, 3))
    )
    FinancingNeedFactory(status="submitted", amount=30 * WAN, submitted_at=_at(d(2025, 3, 3)))
    FinancingNeedFactory(status="submitted", amount=70 * WAN, submitted_at=_at(d(2025, 2, 3)))
    l1 = LeadFactory(
        need=n1,
        institution=bank,
        status="signed",
        received_at=_at(d(2025, 3, 3), 14),
        contact_due_at=_at(d(2025, 3, 6)),
        first_contacted_at=_at(d(2025, 3, 5)),
    )
    audit_record(
        obj=l1,
        action="status",
        from_state="under_review",
        to_state="approved",
        at=_at(d(2025, 3, 7)),
    )
    LeadFactory(
        need=n2,
        institution=other_bank,
        status="contacted",
        received_at=_at(d(2025, 3, 4)),
        contact_due_at=_at(d(2025, 3, 7)),
        first_contacted_at=_at(d(2025, 3, 10)),
    )
    agreement = LoanAgreement.objects.create(
        lead=l1,
        institution=bank,
        amount=90 * WAN,
        rate=Decimal("3.50"),
        term_months=12,
        signed_on=d(2025, 3, 12),
        contract_number="F-1",
    )
    return {"bank": bank, "other_bank": other_bank, "agreement": agreement}


def _steps(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("office:funnel"), {"month_from": "2025-03", **query})
    assert response.status_code == 200
    return {
        s.key: (s.count, s.amount, s.conversion, s.median_days) for s in response.context["steps"]
    }


def test_the_funnel_follows_needs_step_by_step(client, finance_user, march):
    steps = _steps(client, finance_user, month_to="2025-03")
    assert steps == {
        "submitted": (3, 180 * WAN, None, None),
        "matched": (2, 150 * WAN, pytest.approx(2 / 3), 0.5),
        "contacted": (2, 150 * WAN, 1.0, 3.0),
        "approved": (1, 100 * WAN, 0.5, 2.0),
        "signed": (1, 90 * WAN, 1.0, 3.0),
    }


def test_disbursement_step_appears_once_money_is_paid_out(client, finance_user, march):
    Disbursement.objects.create(
        agreement=march["agreement"], amount=60 * WAN, disbursed_on=dt.date(2025, 3, 14)
    )
    steps = _steps(client, finance_user, month_to="2025-03")
    assert steps["disbursed"] == (1, 60 * WAN, 1.0, 2.0)


def test_a_voided_agreement_leaves_the_signed_step(client, finance_user, march):
    LoanAgreement.objects.filter(pk=march["agreement"].pk).update(voided_at=timezone.now())
    steps = _steps(client, finance_user, month_to="2025-03")
    assert steps["signed"][:2] == (0, Decimal(0))


def test_the_institution_filter_counts_only_its_work(client, finance_user, march):
    steps = _steps(client, finance_user, month_to="2025-03", institution=march["other_bank"].pk)
    assert steps["submitted"][0] == 3
    assert steps["matched"][:2] == (1, 50 * WAN)
    assert steps["contacted"][3] == 4.0
    assert steps["approved"][0] == 0


def test_the_period_includes_february_when_asked(client, finance_user, march):
    steps = _steps(client, finance_user, month_from="2025-02", month_to="2025-03")
    assert steps["submitted"][:2] == (4, 250 * WAN)
