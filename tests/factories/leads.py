"""Factories for the leads app."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from enterprises.models import FinancingNeed
from leads.models import Lead, LoanAgreement

from .banks import InstitutionFactory
from .enterprises import FinancingNeedFactory


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    need = factory.SubFactory(FinancingNeedFactory, status=FinancingNeed.Status.SUBMITTED)
    institution = factory.SubFactory(InstitutionFactory)
    score = Decimal("75.00")
    received_at = factory.LazyFunction(timezone.now)
    contact_due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


class LoanAgreementFactory(factory.django.DjangoModelFactory):
    """An agreement written directly (the signing service has its own tests): for reports."""

    class Meta:
        model = LoanAgreement

    lead = factory.SubFactory(
        LeadFactory,
        status=Lead.Status.SIGNED,
        need__status=FinancingNeed.Status.SIGNED,
    )
    institution = factory.LazyAttribute(lambda a: a.lead.institution)
    amount = Decimal("10000000.00")
    rate = Decimal("3.85")
    term_months = 12
    signed_on = factory.LazyFunction(timezone.localdate)
    contract_number = factory.Sequence(lambda n: f"HT-{n:05d}")
