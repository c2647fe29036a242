"""Two officers sign the same lead at the same moment: exactly one agreement (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from leads.models import Lead, LoanAgreement
from leads.services import ServiceError, loan_agreement_sign
from tests.conftest import service_missing
from tests.factories import FinancingNeedFactory, LeadFactory, OfficerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_signing_at_once_make_one_agreement():
    if connection.vendor != "postgresql":
        service_missing("row locks under concurrency need PostgreSQL (set DATABASE_URL)")
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
