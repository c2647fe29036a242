"""Two officers sign the same lead at the same moment: exactly one agreement (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from leads.models import Lead, LoanAgreement
from leads.services import ServiceError, loan_agreement_sign
from tests.factories import FinancingNeedFactory, LeadFactory, OfficerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_signing_at_once_make_one_agreement():
    lead = LeadFactory(need=FinancingNeedFactory(status="in_progress"), status="approved")
    officers = OfficerFactory.create_batch(2, institution=lead.institution)
    barrier = threading.Barrier(2)
    outcomes = []

    def sign(officer, number):
        try:
            barrier.wait(timeout=10)
            loan_agreement_sign(
                lead=lead,
                officer=officer,
                amount=Decimal("1000000.00"),
                rate=Decimal("3.85"),
                term_months=12,
                signed_on=timezone.localdate(),
                contract_number=number,
            )
            outcomes.append("signed")
        except ServiceError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(o, f"HT-{i}")) for i, o in enumerate(officers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(["signed", "该线索已签约。"])
    assert LoanAgreement.objects.filter(lead=lead).count() == 1
    lead.refresh_from_db()
    assert lead.status == Lead.Status.SIGNED
    assert lead.need.status == "signed"


def _race(*actions):
    """Run the actions at the same moment in their own threads and connections; return what
    each one ended with: "ok", a refusal message, or the unexpected exception's name."""
    barrier = threading.Barrier(len(actions))
    outcomes = {}

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "ok"
        except ServiceError as error:
            outcomes[index] = error.message
        except Exception as error:  # a deadlock or any server error must show up here
            outcomes[index] = type(error).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return [outcomes.get(i, "timeout") for i in range(len(actions))]


def _sign_action(lead, officer, number):
    return lambda: loan_agreement_sign(
        lead=lead,
        officer=officer,
        amount=Decimal("1000000.00"),
        rate=Decimal("3.85"),
        term_months=12,
        signed_on=timezone.localdate(),
        contract_number=number,
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_institutions_signing_one_need_at_once_have_one_winner(attempt):
    need = FinancingNeedFactory(status="in_progress")
    leads = [LeadFactory(need=need, status="approved") for _ in range(2)]
    officers = [OfficerFactory(institution=lead.institution) for lead in leads]
    outcomes = _race(
        *(
            _sign_action(lead, officer, f"HT-{i}")
            for i, (lead, officer) in enumerate(zip(leads, officers, strict=True))
        )
    )
    assert sorted(outcomes) == sorted(["ok", "企业已就该需求与其他机构签约。"]), outcomes
    assert LoanAgreement.objects.filter(lead__need=need).count() == 1
    statuses = sorted(Lead.objects.filter(need=need).values_list("status", flat=True))
    assert statuses == ["closed", "signed"]


@pytest.mark.parametrize("attempt", range(3))
def test_withdrawing_while_an_officer_signs_has_one_winner(attempt):
    from enterprises.services import financing_need_withdraw
    from tests.factories import EnterpriseMemberFactory

    need = FinancingNeedFactory(status="in_progress")
    member = EnterpriseMemberFactory(enterprise=need.enterprise).user
    lead = LeadFactory(need=need, status="approved")
    officer = OfficerFactory(institution=lead.institution)
    sign_outcome, withdraw_outcome = _race(
        _sign_action(lead, officer, "HT-W"),
        lambda: financing_need_withdraw(need=need, actor=member),
    )
    need.refresh_from_db()
    lead.refresh_from_db()
    if sign_outcome == "ok":
        assert need.status == "signed" and lead.status == "signed"
        assert withdraw_outcome.startswith("不能从")  # an illegal move, said in words
    else:
        assert withdraw_outcome == "ok", (sign_outcome, withdraw_outcome)
        assert sign_outcome == "该需求已不在对接中。"
        assert need.status == "withdrawn" and lead.status == "closed"
