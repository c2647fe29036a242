"""Issue 11, item 1: the dashboard's figures against the hand-worked district in
``dashboard_fixtures``; its filters; annual targets; bad filter values."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from office.models import AnnualTarget
from tests.conftest import csrf_post

from .dashboard_fixtures import ALL_TIME, build_district, wan

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    return build_district()


def _figures(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("office:dashboard"), query)
    assert response.status_code == 200
    return response.context["figures"], response


def _table(figures, key):
    table = next(t for t in figures["tables"] if t.key == key)
    return {row.label: (row.count, row.amount) for row in table.rows}


def _in_wan(expected):
    return {label: (n, wan(w)) for label, (n, w) in expected.items()}


@pytest.mark.parametrize("key", sorted(ALL_TIME))
def test_every_table_matches_the_hand_worked_totals(client, finance_user, district, key):
    figures, _ = _figures(client, finance_user)
    assert _table(figures, key) == _in_wan(ALL_TIME[key])


def test_headline_figures(client, finance_user, district):
    figures, response = _figures(client, finance_user)
    assert figures["total_amount"] == wan(400)
    assert figures["total_count"] == 5
    assert figures["credit_share"] == pytest.approx(130 / 400)
    assert figures["first_loan_count"] == 2
    assert figures["first_loan_amount"] == wan(130)
    body = response.content.decode()
    assert "400.00万元" in body
    assert "32.5%" in body


def test_voided_agreement_counts_nowhere(client, finance_user, district):
    figures, response = _figures(client, finance_user)
    assert "999.00万元" not in response.content.decode()
    assert all(row.amount != wan(999) for t in figures["tables"] for row in t.rows)


@pytest.mark.parametrize(
    "query, count, amount_wan",
    [
        ({"year": "2025"}, 4, 370),
        ({"year": "2024"}, 1, 30),
        ({"month_from": "2025-03", "month_to": "2025-05"}, 3, 350),
        ({"month_from": "2025-05"}, 2, 220),
        ({"size_class": "small"}, 3, 150),
    ],
)
def test_period_and_size_filters(client, finance_user, district, query, count, amount_wan):
    figures, _ = _figures(client, finance_user, **query)
    assert (figures["total_count"], figures["total_amount"]) == (count, wan(amount_wan))


def test_chain_cluster_and_institution_filters(client, finance_user, district):
    chain = district["chains"]["A1"].pk
    cluster = district["clusters"]["X"].pk
    yi = district["institutions"]["乙行"].pk
    assert _figures(client, finance_user, chain=chain)[0]["total_amount"] == wan(130)
    assert _figures(client, finance_user, cluster=cluster)[0]["total_amount"] == wan(180)
    figures, _ = _figures(client, finance_user, institution=yi)
    assert _table(figures, "institution") == {"乙行": (2, wan(80))}
    figures, _ = _figures(client, finance_user, institution=yi, chain=chain)
    assert (figures["total_count"], figures["total_amount"]) == (1, wan(30))


def test_progress_against_the_annual_targets(client, finance_user, district):
    figures, response = _figures(client, finance_user, year="2025")
    assert figures["target_year"] == 2025
    assert figures["overall_target"] == wan(1000)
    assert figures["overall_progress"] == pytest.approx(370 / 1000)
    institution_rows = next(t for t in figures["tables"] if t.key == "institution").rows
    jia = next(r for r in institution_rows if r.label == "甲行")
    assert jia.target == wan(400)
    assert jia.progress == pytest.approx(320 / 400)
    body = response.content.decode()
    assert "37.0%" in body and "80.0%" in body


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1e999999"},
        {"month_from": "2025-13"},
        {"month_to": "NaN"},
        {"chain": "\x00"},
        {"institution": "99999999999999999999"},
        {"size_class": "huge"},
        {"month_from": "2025-06", "month_to": "2025-03"},
    ],
)
def test_a_bad_filter_is_named_in_chinese_and_ignored(client, finance_user, district, query):
    figures, response = _figures(client, finance_user, **query)
    assert "已忽略筛选条件" in response.content.decode()
    assert figures["total_amount"] == wan(400)


def test_finance_office_sets_a_target_and_it_is_audited(client, finance_user, district):
    client.force_login(finance_user)
    jia = district["institutions"]["甲行"]
    response = csrf_post(
        client,
        reverse("office:annual_targets"),
        {"year": "2025", "institution": jia.pk, "amount": "500"},
    )
    assert response.status_code == 302
    target = AnnualTarget.objects.get(year=2025, institution=jia)
    assert target.amount == Decimal("5000000.00")
    assert AuditEvent.objects.filter(object_id=target.pk, actor=finance_user).exists()


def test_a_bureau_sees_targets_but_cannot_set_them(client, bureau_user, district):
    client.force_login(bureau_user)
    page = client.get(reverse("office:annual_targets"))
    assert page.status_code == 200
    assert "1,000.00万元" in page.content.decode()
    assert 'name="amount"' not in page.content.decode()
    response = csrf_post(
        client,
        reverse("office:annual_targets"),
        {"year": "2026", "amount": "500"},
        form_url=reverse("office:annual_targets"),
    )
    assert response.status_code == 200
    assert "只有金融办" in response.content.decode()
    assert not AnnualTarget.objects.filter(year=2026).exists()


def test_a_bureau_sees_the_dashboard(client, bureau_user, district):
    figures, _ = _figures(client, bureau_user)
    assert figures["total_amount"] == wan(400)


def test_target_form_names_bad_values(client, finance_user, district):
    client.force_login(finance_user)
    response = csrf_post(client, reverse("office:annual_targets"), {"year": "abc", "amount": "-5"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "year" in errors and "amount" in errors
