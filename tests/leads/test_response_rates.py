"""The on-time first-contact rate per institution, which the matching's response factor reads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from banks.models import Institution
from leads.services import institution_response_rates, institution_response_rates_refresh
from tests.factories import InstitutionFactory, LeadFactory

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def three_institutions():
    now = timezone.now()
    mixed, punctual, quiet = InstitutionFactory.create_batch(3)
    # mixed: one on time, one late, one overdue and never contacted; one not yet due (not counted)
    LeadFactory(institution=mixed, contact_due_at=now - DAY, first_contacted_at=now - 2 * DAY)
    LeadFactory(institution=mixed, contact_due_at=now - 3 * DAY, first_contacted_at=now - DAY)
    LeadFactory(institution=mixed, contact_due_at=now - DAY, first_contacted_at=None)
    LeadFactory(institution=mixed, contact_due_at=now + DAY, first_contacted_at=None)
    # punctual: contacted before a deadline still to come (counted: it is contacted)
    LeadFactory(institution=punctual, contact_due_at=now + DAY, first_contacted_at=now - DAY)
    # quiet: only a lead not yet due, so no record at all
    LeadFactory(institution=quiet, contact_due_at=now + DAY, first_contacted_at=None)
    return mixed, punctual, quiet


def test_the_rate_is_on_time_contacts_over_due_or_contacted_leads(three_institutions):
    mixed, punctual, _quiet = three_institutions
    assert institution_response_rates() == {mixed.pk: 1 / 3, punctual.pk: 1.0}


def test_refreshing_stores_the_rates_once(three_institutions):
    mixed, punctual, quiet = three_institutions
    assert institution_response_rates_refresh() == 2
    stored = dict(Institution.objects.values_list("pk", "response_rate"))
    assert stored[mixed.pk] == Decimal("0.3333")
    assert stored[punctual.pk] == Decimal("1.0000")
    assert stored[quiet.pk] == Decimal("0.5000")  # no record: neither rewarded nor punished
    assert Institution.objects.get(pk=quiet.pk).response_rate_updated_at is None
    assert Institution.objects.get(pk=mixed.pk).response_rate_updated_at is not None
    assert institution_response_rates_refresh() == 0
