"""Unserved needs: which needs count, how long they waited, why, and pushing one to institutions."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from banks.models import LoanProduct
from core.errors import ServiceError
from core.models import AuditEvent
from enterprises.models import FinancingNeed, NeedAccessRevocation
from leads.allocation import leads_allocate
from leads.models import Lead
from leads.services import need_push_to_institutions
from matchmaking.engine import rescore_need
from matchmaking.selectors import near_miss_rules, near_miss_rules_cached
from office.lists_selectors import Unserved, unserved_needs, unserved_rows, unserved_summary
from tests.conftest import csrf_post
from tests.factories import (
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanProductFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2 November 2026; a week later is Monday 9 November: five working days (no holiday).
SUBMITTED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
TODAY = dt.date(2026, 11, 9)


def _need(**kwargs):
    kwargs.setdefault("status", FinancingNeed.Status.SUBMITTED)
    kwargs.setdefault("submitted_at", SUBMITTED)
    return FinancingNeedFactory(**kwargs)


@pytest.fixture
def district():
    """One need of each kind, and one that is served."""
    past = timezone.now() - dt.timedelta(days=3)
    overdue = _need(purpose="逾期未联系")
    LeadFactory(need=overdue, received_at=past - dt.timedelta(days=5), contact_due_at=past)
    declined = _need(purpose="全部拒绝", status=FinancingNeed.Status.ALL_DECLINED)
    LeadFactory(need=declined, status=Lead.Status.DECLINED, decline_reason="collateral")
    # The only product lends for 6–36 months; a 60-month need fails it on the term alone.
    LoanProductFactory()
    no_match = _need(purpose="期限过长", term_months=60)
    rescore_need(no_match.pk)
    served = _need(purpose="已联系")
    LeadFactory(
        need=served,
        status=Lead.Status.CONTACTED,
        contact_due_at=past,
        first_contacted_at=past - dt.timedelta(days=1),
    )
    return {"overdue": overdue, "declined": declined, "no_match": no_match, "served": served}


def test_each_kind_of_unserved_need_is_listed_and_a_served_one_is_not(district):
    found = dict(unserved_needs().values_list("purpose", "unserved"))
    assert found == {
        "逾期未联系": Unserved.OVERDUE,
        "全部拒绝": Unserved.DECLINED,
        "期限过长": Unserved.NO_MATCH,
    }


def test_waiting_is_counted_in_working_days_and_the_reason_is_given(district):
    rows = {r.need.purpose: r for r in unserved_rows(unserved_needs(), today=TODAY)}
    assert rows["期限过长"].waited_days == 5
    assert [str(d) for d in rows["期限过长"].details] == ["期限"]
    assert rows["全部拒绝"].details == ["担保物不足 ×1"]


def test_the_summary_counts_needs_failing_only_on_one_rule(district):
    summary = unserved_summary()
    assert summary.by_reason == {"overdue": 1, "declined": 1, "no_match": 1}
    assert summary.only_on == [("期限", 1)]


def test_the_page_shows_the_aggregate_and_the_rows(district, web_as, finance_user):
    body = web_as(finance_user).get(reverse("office:unserved_needs")).content.decode()
    assert "1个需求仅因期限不符" in body
    assert "期限过长" in body and "已联系" not in body


@pytest.fixture
def push_setup(district, officer_user, institution):
    return district["no_match"], institution


def test_the_finance_office_pushes_a_need_and_the_institution_gets_a_lead(
    push_setup, web_as, finance_user, officer_user
):
    need, institution = push_setup
    web = web_as(finance_user)
    url = reverse("office:unserved_push", args=[need.pk])
    response = csrf_post(web, url, {"institutions": [institution.pk]})
    assert response.status_code == 302
    lead = Lead.objects.get(need=need, institution=institution)
    assert lead.pushed_at is not None and lead.status == Lead.Status.NEW
    assert lead.contact_due_at > lead.received_at
    assert Notice.objects.filter(user=officer_user).exists()
    assert AuditEvent.objects.filter(object_id=need.pk, actor=finance_user).exists()
    # The need is no longer unmatched-and-unserved: an institution now holds it.
    assert not unserved_needs(reason=Unserved.NO_MATCH).filter(pk=need.pk).exists()


def test_a_pushed_lead_is_not_closed_for_lack_of_a_match(push_setup, finance_user):
    need, institution = push_setup
    (lead,) = need_push_to_institutions(need=need, actor=finance_user, institutions=[institution])
    leads_allocate([need.pk], {})
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_an_institution_the_enterprise_excluded_cannot_be_chosen(push_setup, finance_user):
    need, institution = push_setup
    allowed = InstitutionFactory()
    need.visibility = FinancingNeed.Visibility.CHOSEN
    need.save(update_fields=["visibility"])
    need.allowed_institutions.set([allowed])
    with pytest.raises(ServiceError):
        need_push_to_institutions(need=need, actor=finance_user, institutions=[institution])
    assert not Lead.objects.filter(need=need).exists()


def test_an_institution_whose_access_was_revoked_is_not_offered(push_setup, web_as, finance_user):
    need, institution = push_setup
    NeedAccessRevocation.objects.create(need=need, institution=institution)
    web = web_as(finance_user)
    url = reverse("office:unserved_push", args=[need.pk])
    assert institution.name not in web.get(url).content.decode()
    csrf_post(web, url, {"institutions": [institution.pk]})
    assert not Lead.objects.filter(need=need).exists()


def test_a_bureau_sees_the_list_but_cannot_push(push_setup, web_as, bureau_user):
    need, institution = push_setup
    web = web_as(bureau_user)
    body = web.get(reverse("office:unserved_needs")).content.decode()
    assert "期限过长" in body
    assert reverse("office:unserved_push", args=[need.pk]) not in body
    url = reverse("office:unserved_push", args=[need.pk])
    assert web.get(url).status_code == 403
    web.post(url, {"institutions": [institution.pk]})
    with pytest.raises(ServiceError):
        need_push_to_institutions(need=need, actor=bureau_user, institutions=[institution])
    assert not Lead.objects.filter(need=need).exists()


def test_the_export_lists_the_same_needs(district, web_as, finance_user):
    import io

    from openpyxl import load_workbook

    response = web_as(finance_user).get(reverse("office:unserved_needs") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    purposes = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert purposes == {"逾期未联系", "全部拒绝", "期限过长"}


def test_the_page_costs_the_same_queries_for_one_or_many_needs(
    district, web_as, finance_user, django_assert_max_num_queries
):
    web = web_as(finance_user)
    url = reverse("office:unserved_needs")
    web.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        web.get(url)
    for _ in range(6):
        need = _need(purpose="又一个")
        LeadFactory(
            need=need,
            received_at=timezone.now() - dt.timedelta(days=9),
            contact_due_at=timezone.now() - dt.timedelta(days=2),
        )
        OfficerFactory()
    with django_assert_max_num_queries(len(few)):
        web.get(url)


def test_near_miss_hints_are_kept_until_the_need_or_the_products_change(district):
    need = district["no_match"]
    assert unserved_summary().only_on == [("期限", 1)]  # computed and kept
    # The same answer from the cache as from the rules run directly.
    need.refresh_from_db()
    assert near_miss_rules_cached(
        needs=[(need.pk, need.updated_at, need.matched_at)]
    ) == near_miss_rules(need_ids=[need.pk])

    # Edited to an amount above the product's 1000万 too: two rules fail, no hint.
    need.amount = Decimal("50000000.00")
    need.save()
    rescore_need(need.pk)
    summary = unserved_summary()
    assert summary.only_on == [] and summary.no_near_miss == 1

    # The product now lends up to 1亿 (the need is not rematched): only the term fails again.
    product = LoanProduct.objects.get()
    product.max_amount = Decimal("100000000.00")
    product.save()
    assert unserved_summary().only_on == [("期限", 1)]
