"""Withdrawing, signing or closing a need takes it out of matching at once (one task on commit,
the same path as every other trigger), and a decline hands the freed place on by a task too."""

import pytest
from django.urls import reverse

from core.models import PortalSettings
from enterprises.models import FinancingNeed
from leads.models import Lead
from leads.selectors import matched_needs_for_institution
from leads.services import lead_decline
from matchmaking.engine import rescore_need
from matchmaking.models import Match
from tests.conftest import csrf_post, wait_for
from tests.factories import FinancingNeedFactory, LoanProductFactory, OfficerFactory

GOOD = {"tags": ["mortgage", "first_loan"]}


@pytest.fixture
def two_banks_one_place(transactional_db):
    """Two matching institutions and a contact cap of one: the second sees the need as matched."""
    settings_row = PortalSettings.load()
    settings_row.contact_cap = 1
    settings_row.save()
    return LoanProductFactory(**GOOD), LoanProductFactory(**GOOD)


def test_a_withdrawn_need_leaves_every_institutions_matched_needs_within_one_task(
    celery_worker, web_as, enterprise_member, enterprise, two_banks_one_place
):
    first, second = two_banks_one_place
    need = FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)
    rescore_need(need.pk)
    holder = Lead.objects.get(need=need).institution
    waiting = second.institution if holder == first.institution else first.institution
    assert [row["need_id"] for row in matched_needs_for_institution(institution=waiting)] == [
        need.pk
    ]
    csrf_post(
        web_as(enterprise_member),
        reverse("enterprises:need_withdraw", args=[need.pk]),
        form_url=need.get_absolute_url(),
    )
    assert wait_for(lambda: not Match.objects.filter(need=need).exists())
    assert not matched_needs_for_institution(institution=waiting).exists()
    page = web_as(enterprise_member).get(need.get_absolute_url())
    assert page.context["matches"] == []


def test_a_decline_hands_the_place_to_the_next_institution_by_a_task(
    celery_worker, enterprise, two_banks_one_place
):
    need = FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need)
    officer = OfficerFactory(institution=lead.institution)
    # A second open lead keeps the need in progress, so the decline frees a place.
    FinancingNeed.objects.filter(pk=need.pk).update(status=FinancingNeed.Status.IN_PROGRESS)
    other = Lead.objects.create(
        need=need,
        institution=OfficerFactory().institution,
        received_at=lead.received_at,
        contact_due_at=lead.contact_due_at,
        status=Lead.Status.CLAIMED,
    )
    PortalSettings.objects.update(contact_cap=2)
    lead_decline(lead=lead, officer=officer, reason="collateral")
    others = {p.institution_id for p in two_banks_one_place} - {lead.institution_id}
    assert wait_for(lambda: Lead.objects.filter(need=need, institution_id__in=others).exists())
    assert Lead.objects.filter(need=need).exclude(pk__in=[lead.pk, other.pk]).count() == 1
