"""Factories for the leads app."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from enterprises.models import FinancingNeed
from leads.models import Lead

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
