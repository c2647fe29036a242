"""Issue 11, items 9 and 10: only government staff open the dashboard, funnel, targets, exports
and monthly report (every other persona is refused with no figure in the body); each page's
query count does not grow with the rows behind it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import LoanAgreement
from office.models import AgreementSummary
from office.summary import summary_rebuild
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    IndustryChainFactory,
    InstitutionFactory,
    LeadFactory,
    MeetingFactory,
)

from .dashboard_fixtures import build_district

pytestmark = pytest.mark.django_db

DOORS = [
    ("office:dashboard", {}),
    ("office:dashboard", {"format": "xlsx", "table": "institution"}),
    ("office:dashboard", {"format": "csv", "table": "chain"}),
    ("office:funnel", {}),
    ("office:funnel", {"format": "csv"}),
    ("office:annual_targets", {}),
    ("office:monthly_report", {}),
    ("office:monthly_report", {"month": "2025-03"}),
]
# What a leaked page would show: the district's total, a chain and a town of the fixture.
FIGURES = ["400.00", "320.00", "链A1", "城关镇", "甲行"]


@pytest.fixture
def district(db):
    return build_district()


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(
    "persona", ["enterprise_member", "officer_user", "institution_admin", "outsider"]
)
def test_other_personas_are_refused_and_see_no_figure(request, client, district, persona):
    client.force_login(request.getfixturevalue(persona))
    for name, query in DOORS:
        response = client.get(reverse(name), query)
        assert response.status_code == 403, (name, query)
        body = _body(response).decode()
        assert not any(figure in body for figure in FIGURES), (name, query)
    response = client.post(reverse("office:annual_targets"), {"year": 2026, "amount": "1"})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, district):
    for name, query in DOORS:
        response = client.get(reverse(name), query)
        assert response.status_code == 302, (name, query)
        assert response["Location"].startswith(reverse("accounts:login"))
        assert not any(figure in _body(response).decode() for figure in FIGURES)


@pytest.mark.parametrize("persona", ["finance_user", "bureau_user"])
def test_government_staff_open_every_door(request, client, district, persona):
    client.force_login(request.getfixturevalue(persona))
    for name, query in DOORS:
        assert client.get(reverse(name), query).status_code == 200, (name, query)


def _many_agreements(count: int):
    """``count`` agreements, each in its own summary row (institution, chain, town, month and
    meeting all differ), so every table has ``count`` rows."""
    for i in range(count):
        enterprise = EnterpriseFactory(chain=IndustryChainFactory(), town=f"镇{i}")
        need = FinancingNeedFactory(
            enterprise=enterprise,
            status="signed",
            submitted_at=timezone.make_aware(dt.datetime(2024, 1, 2, 9)),
        )
        lead = LeadFactory(
            need=need,
            institution=InstitutionFactory(),
            status="signed",
            first_contacted_at=timezone.now(),
        )
        LoanAgreement.objects.create(
            lead=lead,
            institution=lead.institution,
            amount=Decimal(100_000 + i),
            rate=Decimal("4.00"),
            term_months=12,
            signed_on=dt.date(2024, 1, 1) + dt.timedelta(days=31 * i),
            contract_number=f"Q-{i}",
            meeting=MeetingFactory(),
        )
    summary_rebuild()


@pytest.mark.parametrize("count", [1, 15])
def test_dashboard_queries_stay_flat(client, finance_user, django_assert_max_num_queries, count):
    _many_agreements(count)
    assert AgreementSummary.objects.count() == count
    client.force_login(finance_user)
    # Session and user, the summary token (view and figures), nine grouped sums, four name
    # look-ups, targets, the filter form's three lists and the nav's notices.
    with django_assert_max_num_queries(22):
        response = client.get(reverse("office:dashboard"))
    assert response.context["figures"]["total_count"] == count
    # Once cached, the page reads the session, the user, the token and the nav's notices.
    with django_assert_max_num_queries(5):
        again = client.get(reverse("office:dashboard"))
    # The same body (the header's CSRF token differs per request).
    body = response.content.split(b'id="dashboard-filters"')[1]
    assert again.content.split(b'id="dashboard-filters"')[1] == body


@pytest.mark.parametrize("count", [1, 15])
def test_funnel_queries_stay_flat(client, finance_user, django_assert_max_num_queries, count):
    _many_agreements(count)
    client.force_login(finance_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("office:funnel"))
    assert response.context["steps"][0].count == count


@pytest.mark.parametrize("count", [1, 15])
def test_monthly_report_queries_stay_flat(
    client, finance_user, django_assert_max_num_queries, count
):
    _many_agreements(count)
    client.force_login(finance_user)
    with django_assert_max_num_queries(50):
        response = client.get(reverse("office:monthly_report"), {"month": "2024-01"})
        b"".join(response.streaming_content)
    assert response.status_code == 200
