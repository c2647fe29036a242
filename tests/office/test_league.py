"""The institution league table: figures against a hand-computed district, the period filter,
exports, and the read-only share link."""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from leads.models import Lead, LoanAgreement
from office.lists_selectors import institution_league, weighted_median
from office.models import LeagueShareLink
from tests.conftest import csrf_post
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanProductFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return dt.datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def _agreement(lead, amount, signed_on, *, voided=False, number=None):
    return LoanAgreement.objects.create(
        lead=lead,
        institution=lead.institution,
        amount=Decimal(amount),
        rate=Decimal("3.85"),
        term_months=12,
        signed_on=signed_on,
        contract_number=number or f"HT-{lead.pk}",
        voided_at=timezone.now() if voided else None,
    )


@pytest.fixture
def district():
    """工行 received three leads in November 2026 (Mon 2nd), 农行 one, 建行 none.

    工行: lead 1 contacted Wed 4th (2 working days, on time, due 5th), signed 500万;
          lead 2 contacted Mon 9th (5 working days, late, due 5th);
          lead 3 never contacted, due 5th (late, counts as due), declined for collateral.
    农行: one lead received in October (outside the period), signed 800万 on 2026-10-20.
    A voided 工行 agreement of 9,999万 counts nowhere.
    """
    icbc = InstitutionFactory(name="工商银行清溪支行", short_name="工行")
    abc = InstitutionFactory(name="农业银行清溪支行", short_name="农行")
    InstitutionFactory(name="建设银行清溪支行", short_name="建行")
    LoanProductFactory.create_batch(2, institution=icbc)
    LoanProductFactory(institution=icbc, status="draft")
    LoanProductFactory(institution=abc)
    enterprise = EnterpriseFactory(name="清溪秘密企业有限公司")
    due = at(5, 23)
    one = LeadFactory(
        need=FinancingNeedFactory(enterprise=enterprise, status="signed"),
        institution=icbc,
        status=Lead.Status.SIGNED,
        received_at=at(2),
        contact_due_at=due,
        first_contacted_at=at(4),
    )
    _agreement(one, "5000000.00", dt.date(2026, 11, 20))
    LeadFactory(
        institution=icbc,
        status=Lead.Status.CONTACTED,
        received_at=at(2),
        contact_due_at=due,
        first_contacted_at=at(9),
    )
    three = LeadFactory(
        institution=icbc,
        status=Lead.Status.DECLINED,
        decline_reason="collateral",
        received_at=at(2),
        contact_due_at=due,
    )
    _agreement(
        LeadFactory(institution=icbc, received_at=at(3), contact_due_at=due, status="signed"),
        "99990000.00",
        dt.date(2026, 11, 21),
        voided=True,
    )
    october = LeadFactory(
        institution=abc,
        status=Lead.Status.SIGNED,
        received_at=dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI),
        contact_due_at=dt.datetime(2026, 10, 14, 23, tzinfo=SHANGHAI),
        first_contacted_at=dt.datetime(2026, 10, 10, 10, tzinfo=SHANGHAI),
    )
    _agreement(october, "8000000.00", dt.date(2026, 10, 20))
    return {"icbc": icbc, "abc": abc, "three": three}


def _rows(**period):
    return {r.institution.short_name: r for r in institution_league(**period)}


def test_november_figures_per_institution(district):
    rows = _rows(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    icbc = rows["工行"]
    # Four leads received (three plus the one whose agreement was voided).
    assert icbc.received == 4
    # Due: the three contacted-or-late leads plus the voided one (deadline passed); on time: one.
    assert (icbc.on_time, icbc.due) == (1, 4)
    assert icbc.median_days == 3.5  # 2 and 5 working days
    assert icbc.signed_leads == 2 and icbc.conversion == 0.5
    assert icbc.signed_amount == Decimal("5000000.00") and icbc.signed_count == 1
    assert icbc.products == 2
    assert icbc.declines == [("担保物不足", 1)]
    abc = rows["农行"]
    assert (abc.received, abc.signed_amount, abc.products) == (0, Decimal("0.00"), 1)
    assert abc.median_days is None and abc.on_time_share is None
    assert rows["建行"].received == 0


def test_the_period_moves_the_figures(district):
    rows = _rows(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    assert rows["农行"].received == 1
    assert rows["农行"].signed_amount == Decimal("8000000.00")
    assert rows["农行"].median_days == 1.0  # Friday 9th to Saturday 10th, a make-up workday
    assert rows["工行"].received == 0


def test_the_table_is_sorted_by_amount_signed(district):
    table = institution_league(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    assert [r.institution.short_name for r in table] == ["农行", "工行", "建行"]


def test_the_export_reads_back_with_the_same_figures(district, web_as, finance_user):
    response = web_as(finance_user).get(
        reverse("office:league_table") + "?date_from=2026-11-01&date_to=2026-11-30&format=xlsx"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "金融机构排行榜"
    by_name = {row[0]: row for row in rows[3:]}
    icbc = by_name["工商银行清溪支行"]
    assert icbc[1] == 4 and icbc[2] == pytest.approx(0.25) and icbc[3] == pytest.approx(3.5)
    assert icbc[6] == pytest.approx(500.0)  # 万元


def test_the_csv_export_streams(district, web_as, finance_user):
    response = web_as(finance_user).get(reverse("office:league_table") + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "工商银行清溪支行" in text


def test_the_page_costs_the_same_queries_for_few_or_many_institutions(
    district, web_as, finance_user, django_assert_max_num_queries
):
    web = web_as(finance_user)
    url = reverse("office:league_table") + "?date_from=2026-10-01&date_to=2026-11-30"
    web.get(url)
    with CaptureQueriesContext(connection) as few:
        web.get(url)
    for _ in range(5):
        institution = InstitutionFactory()
        LoanProductFactory(institution=institution)
        LeadFactory(institution=institution, received_at=at(2), first_contacted_at=at(3))
    with django_assert_max_num_queries(len(few)):
        web.get(url)


# --- The share link ---------------------------------------------------------------------------


def _create_link(web, days=7):
    csrf_post(
        web,
        reverse("office:share_link_create"),
        {"days": days, "note": "发给各行"},
        form_url=reverse("office:league_table"),
    )
    return LeagueShareLink.objects.latest("created_at")


def test_a_share_link_shows_institution_figures_and_no_enterprise(
    district, web_as, finance_user, client
):
    link = _create_link(web_as(finance_user))
    response = client.get(reverse("office:league_shared", args=[link.token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "工商银行清溪支行" in body
    assert "清溪秘密企业有限公司" not in body


def test_a_revoked_expired_or_wrong_link_is_a_404(district, web_as, finance_user, client):
    web = web_as(finance_user)
    revoked = _create_link(web)
    csrf_post(
        web,
        reverse("office:share_link_revoke", args=[revoked.pk]),
        {},
        form_url=reverse("office:league_table"),
    )
    expired = _create_link(web)
    LeagueShareLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for token in (revoked.token, expired.token, "no-such-token"):
        assert client.get(reverse("office:league_shared", args=[token])).status_code == 404


@pytest.mark.parametrize("persona", ["bureau_user", "officer_user", "enterprise_member"])
def test_only_the_finance_office_creates_or_revokes_links(
    request, persona, district, web_as, finance_user, client
):
    link = _create_link(web_as(finance_user))
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("office:share_link_create"), {"days": 7}).status_code == 403
    assert client.post(reverse("office:share_link_revoke", args=[link.pk])).status_code == 403
    assert LeagueShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_share_link_keeps_the_period_it_was_made_for(district, web_as, finance_user, client):
    web = web_as(finance_user)
    csrf_post(
        web,
        reverse("office:share_link_create"),
        {"days": 7, "date_from": "2026-10-01", "date_to": "2026-10-31"},
        form_url=reverse("office:league_table"),
    )
    link = LeagueShareLink.objects.get()
    assert (link.date_from, link.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    table = client.get(reverse("office:league_shared", args=[link.token])).context["table"]
    rows = {r.institution.short_name: r for r in table}
    assert rows["农行"].signed_amount == Decimal("8000000.00")
    assert rows["工行"].received == 0


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, None),
        ({4: 1}, 4.0),
        ({1: 2, 3: 1}, 1.0),  # 1 1 3
        ({1: 1, 2: 1, 7: 1, 9: 1}, 4.5),  # 1 2 | 7 9
        ({0: 3, 5: 3}, 2.5),  # 0 0 0 | 5 5 5
        ({2: 5, 10: 1}, 2.0),  # 2 2 2 | 2 2 10
    ],
)
def test_weighted_median_is_the_median_of_the_repeated_values(counts, expected):
    assert weighted_median(Counter(counts)) == expected


def test_a_share_link_form_with_errors_comes_back_on_the_league_table(
    district, web_as, finance_user
):
    web = web_as(finance_user)
    response = csrf_post(
        web,
        reverse("office:share_link_create"),
        {"days": 0},
        form_url=reverse("office:league_table"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-error-summary" in page
    assert 'id="id_days_error"' in page
    assert not LeagueShareLink.objects.exists()
