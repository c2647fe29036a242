"""The office-wide lists: search and filters, links to each row's page, exports, constant queries,
and who may open them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from leads.models import Lead, LoanAgreement
from tests.conftest import csrf_post
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ("enterprise_list", "need_list", "lead_list", "agreement_list")


def _row(name="清溪一号有限公司", purpose="购置设备", amount="3000000.00", number=None):
    enterprise = EnterpriseFactory(name=name)
    need = FinancingNeedFactory(
        enterprise=enterprise, status="signed", purpose=purpose, submitted_at=timezone.now()
    )
    lead = LeadFactory(need=need, status=Lead.Status.SIGNED, first_contacted_at=timezone.now())
    agreement = LoanAgreement.objects.create(
        lead=lead,
        institution=lead.institution,
        amount=Decimal(amount),
        rate=Decimal("3.85"),
        term_months=12,
        signed_on=dt.date(2026, 11, 20),
        contract_number=number or f"HT-{lead.pk}",
    )
    return enterprise, need, lead, agreement


@pytest.fixture
def rows():
    first = _row()
    second = _row(name="清溪二号有限公司", purpose="扩建仓库", amount="5000000.00")
    return first, second


def test_each_list_shows_its_rows_linked_to_their_pages(rows, web_as, finance_user):
    (enterprise, need, lead, _agreement), _ = rows
    web = web_as(finance_user)
    links = {
        "enterprise_list": reverse("office:verification_detail", args=[enterprise.pk]),
        "need_list": reverse("office:need_detail", args=[need.pk]),
        "lead_list": reverse("office:lead_detail", args=[lead.pk]),
        "agreement_list": reverse("office:lead_detail", args=[lead.pk]),
    }
    for name, link in links.items():
        body = web.get(reverse(f"office:{name}")).content.decode()
        assert link in body, name
        assert web.get(link).status_code == 200, link


def test_search_narrows_every_list(rows, web_as, finance_user):
    web = web_as(finance_user)
    for name in LISTS:
        body = web.get(reverse(f"office:{name}") + "?q=二号").content.decode()
        assert "清溪二号有限公司" in body and "清溪一号有限公司" not in body, name


def test_filters_by_institution_and_dates(rows, web_as, finance_user):
    (_, _, _lead, _), (_, _, other_lead, _) = rows
    web = web_as(finance_user)
    body = web.get(
        reverse("office:agreement_list") + f"?institution={other_lead.institution_id}"
    ).content.decode()
    assert "清溪二号有限公司" in body and "清溪一号有限公司" not in body
    body = web.get(reverse("office:agreement_list") + "?signed_from=2026-12-01").content.decode()
    assert "清溪一号有限公司" not in body and "清溪二号有限公司" not in body


def test_a_voided_agreement_is_listed_only_when_asked(rows, web_as, finance_user):
    (_, _, _, agreement), _ = rows
    LoanAgreement.objects.filter(pk=agreement.pk).update(voided_at=timezone.now())
    web = web_as(finance_user)
    assert "清溪一号有限公司" not in web.get(reverse("office:agreement_list")).content.decode()
    body = web.get(reverse("office:agreement_list") + "?include_voided=on").content.decode()
    assert "清溪一号有限公司" in body


def test_an_invalid_filter_is_named_and_ignored(rows, web_as, finance_user):
    response = web_as(finance_user).get(
        reverse("office:need_list") + "?status=nonsense&submitted_from=yesterday"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "清溪一号有限公司" in body and "已忽略" in body


def test_the_agreement_export_reads_back_in_wan(rows, web_as, finance_user):
    response = web_as(finance_user).get(reverse("office:agreement_list") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows_back = list(sheet.iter_rows(min_row=4, values_only=True))
    assert sorted(r[3] for r in rows_back) == [300.0, 500.0]
    assert sheet.cell(row=4, column=4).number_format == '#,##0.00"万元"'


@pytest.mark.parametrize("name", LISTS)
def test_each_export_opens_as_xlsx_and_csv(rows, web_as, finance_user, name):
    web = web_as(finance_user)
    xlsx = web.get(reverse(f"office:{name}") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 5  # title, generated-at, header, two rows
    csv = web.get(reverse(f"office:{name}") + "?format=csv")
    assert len(b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()) == 3


@pytest.mark.parametrize("name", LISTS)
def test_each_list_costs_the_same_queries_for_one_or_many_rows(
    web_as, finance_user, name, django_assert_max_num_queries
):
    _row()
    web = web_as(finance_user)
    url = reverse(f"office:{name}")
    web.get(url)
    with CaptureQueriesContext(connection) as one:
        web.get(url)
    for index in range(8):
        _row(name=f"清溪{index}号企业有限公司", number=f"HT-MANY-{index}")
    with django_assert_max_num_queries(len(one)):
        web.get(url)


# --- Access: every other persona is refused, with no figure in the body -----------------------


def _doors(world):
    _enterprise, need, lead, _ = world
    return [
        reverse("office:unserved_needs"),
        reverse("office:unserved_needs") + "?format=csv",
        reverse("office:unserved_push", args=[need.pk]),
        reverse("office:league_table"),
        reverse("office:league_table") + "?format=xlsx",
        reverse("office:recommendations"),
        reverse("office:advisers"),
        *(reverse(f"office:{name}") for name in LISTS),
        *(reverse(f"office:{name}") + "?format=csv" for name in LISTS),
        reverse("office:need_detail", args=[need.pk]),
        reverse("office:lead_detail", args=[lead.pk]),
    ]


POSTS = ("share_link_create", "unserved_push", "advisers", "recommendations")


@pytest.mark.parametrize(
    "persona", ["enterprise_member", "officer_user", "institution_admin", "outsider"]
)
def test_other_personas_are_refused_everywhere(request, rows, client, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in _doors(rows[0]):
        response = client.get(url)
        assert response.status_code == 403, url
        body = response.content.decode() if not response.streaming else ""
        assert "清溪一号有限公司" not in body and "300.00万元" not in body, url
    need = rows[0][1]
    institution = InstitutionFactory()
    client.post(reverse("office:unserved_push", args=[need.pk]), {"institutions": [institution.pk]})
    assert not Lead.objects.filter(institution=institution).exists()


def test_anonymous_visitors_are_sent_to_login(rows, client):
    for url in _doors(rows[0]):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        ), url


def test_a_bureau_sees_every_list_and_export(rows, web_as, bureau_user):
    web = web_as(bureau_user)
    for url in _doors(rows[0]):
        if "push" in url:
            continue
        assert web.get(url).status_code == 200, url


def test_a_bureau_cannot_act_where_only_the_finance_office_may(rows, web_as, bureau_user):
    web = web_as(bureau_user)
    (_, need, _, _), _ = rows
    institution = InstitutionFactory()
    assert web.get(reverse("office:unserved_push", args=[need.pk])).status_code == 403
    response = csrf_post(
        web,
        reverse("office:unserved_push", args=[need.pk]),
        {"institutions": [institution.pk]},
        form_url=reverse("office:unserved_needs"),
    )
    assert response.status_code == 403
    assert csrf_post(web, reverse("office:share_link_create"), {"days": 7}).status_code == 403
    assert not Lead.objects.filter(institution=institution).exists()


def test_bureaus_no_longer_see_the_review_menus(web_as, bureau_user, finance_user):
    body = web_as(bureau_user).get(reverse("office:office_home")).content.decode()
    assert reverse("office:verification_queue") not in body
    assert reverse("office:product_review_queue") not in body
    assert reverse("office:recommendations") in body
    assert web_as(bureau_user).get(reverse("office:verification_queue")).status_code == 403


@pytest.mark.parametrize("name", ["recommendations", "advisers"])
def test_recommendations_and_advisers_cost_the_same_queries_for_one_or_many_rows(
    web_as, finance_user, bureau_user, officer_user, name, django_assert_max_num_queries
):
    from enterprises.services import adviser_assign, recommendation_create

    def add_one():
        enterprise = EnterpriseFactory()
        recommendation_create(actor=bureau_user, enterprise=enterprise, reason="重点")
        adviser_assign(
            actor=finance_user, enterprise=enterprise, user=officer_user, since=dt.date.today()
        )

    add_one()
    web = web_as(finance_user)
    url = reverse(f"office:{name}")
    web.get(url)
    with CaptureQueriesContext(connection) as one:
        web.get(url)
    for _ in range(6):
        add_one()
    with django_assert_max_num_queries(len(one)):
        web.get(url)


def test_the_need_list_filters_recommended_needs(rows, web_as, finance_user, bureau_user):
    from enterprises.services import recommendation_create

    (enterprise, _, _, _), _ = rows
    recommendation_create(actor=bureau_user, enterprise=enterprise, reason="重点")
    body = web_as(finance_user).get(reverse("office:need_list") + "?recommended=on")
    text = body.content.decode()
    assert "清溪一号有限公司" in text and "清溪二号有限公司" not in text
