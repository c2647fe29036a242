import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from leads.models import Lead
from leads.selectors import (
    lead_counts_for_institution,
    lead_timeline,
    matched_needs_for_institution,
)
from leads.services import lead_claim, lead_record_contact
from matchmaking.models import Match
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    IndustryChainFactory,
    InstitutionFactory,
    LeadFactory,
    LoanProductFactory,
)

pytestmark = pytest.mark.django_db


def _inbox(client, **params):
    return list(client.get(reverse("banks:lead_list"), params).context["page"].object_list)


def test_leads_are_ranked_by_score(client, officer_user, institution):
    low = LeadFactory(institution=institution, score=Decimal("61.00"))
    high = LeadFactory(institution=institution, score=Decimal("92.50"))
    client.force_login(officer_user)
    assert _inbox(client) == [high, low]


def test_finished_leads_are_hidden_unless_asked_for(client, officer_user, institution):
    active = LeadFactory(institution=institution)
    signed = LeadFactory(institution=institution, status="signed")
    client.force_login(officer_user)
    assert _inbox(client) == [active]
    assert _inbox(client, status="signed") == [signed]


@pytest.mark.parametrize(
    ("param", "value_of", "expect_first"),
    [
        ("chain", lambda a, b: a.need.enterprise.chain_id, True),
        ("cluster", lambda a, b: a.need.enterprise.chain.cluster_id, True),
        ("size_class", lambda a, b: "medium", True),
        ("loan_kind", lambda a, b: "renewal", True),
        ("product", lambda a, b: a.product_id, True),
        ("min_score", lambda a, b: "80", True),
        ("amount_min", lambda a, b: "400", True),
        ("amount_max", lambda a, b: "300", False),
    ],
)
def test_each_filter_narrows_the_inbox(
    client, officer_user, institution, param, value_of, expect_first
):
    a = LeadFactory(
        institution=institution,
        score=Decimal("85"),
        product=LoanProductFactory(institution=institution),
        need=FinancingNeedFactory(
            status="submitted",
            amount=Decimal("5000000"),
            loan_kind="renewal",
            enterprise=EnterpriseFactory(employees=400, revenue=Decimal("50000000")),
        ),
    )
    b = LeadFactory(
        institution=institution,
        score=Decimal("70"),
        need=FinancingNeedFactory(status="submitted", amount=Decimal("2000000")),
    )
    client.force_login(officer_user)
    result = _inbox(client, **{param: value_of(a, b)})
    assert result == ([a] if expect_first else [b])


def test_overdue_and_mine_filters(client, officer_user, institution):
    officer = officer_user.officer
    late = LeadFactory(
        institution=institution, contact_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    mine = LeadFactory(institution=institution, status="claimed", assigned_to=officer)
    client.force_login(officer_user)
    assert _inbox(client, overdue="true") == [late]
    assert _inbox(client, mine="true") == [mine]
    body = client.get(reverse("banks:lead_list")).content.decode()
    assert "已逾期" in body


def test_sorting_by_deadline(client, officer_user, institution):
    later = LeadFactory(
        institution=institution, score=90, contact_due_at=timezone.now() + dt.timedelta(days=5)
    )
    sooner = LeadFactory(
        institution=institution, score=60, contact_due_at=timezone.now() + dt.timedelta(days=1)
    )
    client.force_login(officer_user)
    assert _inbox(client, ordering="due") == [sooner, later]


def test_the_inbox_query_count_does_not_grow_with_thousands_of_leads(
    client, officer_user, institution, django_assert_max_num_queries
):
    chain = IndustryChainFactory()
    product = LoanProductFactory(institution=institution)
    enterprises = EnterpriseFactory.create_batch(20, chain=chain)
    needs = FinancingNeed_bulk(enterprises, 2000)
    now = timezone.now()
    Lead.objects.bulk_create(
        [
            Lead(
                need=need,
                institution=institution,
                product=product,
                score=Decimal(50 + i % 50),
                received_at=now,
                contact_due_at=now + dt.timedelta(days=3),
            )
            for i, need in enumerate(needs)
        ]
    )
    client.force_login(officer_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("banks:lead_list"), {"page": 3, "chain": chain.pk})
    assert response.context["page"].paginator.count == 2000
    assert len(response.context["page"].object_list) == 25


def FinancingNeed_bulk(enterprises, count):
    from enterprises.models import FinancingNeed

    FinancingNeed.objects.bulk_create(
        [
            FinancingNeed(
                enterprise=enterprises[i % len(enterprises)],
                amount=Decimal("1000000"),
                term_months=12,
                purpose=f"需求{i}",
                status="submitted",
            )
            for i in range(count)
        ]
    )
    return list(FinancingNeed.objects.order_by("pk"))


def test_the_institution_s_lead_counts(officer_user, institution):
    now = timezone.now()
    officer = officer_user.officer
    LeadFactory(institution=institution)  # new, unassigned, not yet due
    LeadFactory(institution=institution, contact_due_at=now - dt.timedelta(hours=1))  # overdue
    LeadFactory(institution=institution, status="claimed", assigned_to=officer)
    LeadFactory(institution=institution, status="signed", first_contacted_at=now)
    LeadFactory(institution=institution, status="closed")
    LeadFactory(status="new")  # another institution's
    assert lead_counts_for_institution(institution=institution) == {
        "total": 5,
        "active": 3,
        "signed": 1,
        "overdue": 1,
        "unassigned_new": 2,
    }


def test_matched_needs_are_the_open_verified_ones_without_an_own_lead(institution):
    own_a = LoanProductFactory(institution=institution)
    own_b = LoanProductFactory(institution=institution)
    foreign = LoanProductFactory(institution=InstitutionFactory())
    wanted = FinancingNeedFactory(status="submitted", purpose="扩大产能")
    second = FinancingNeedFactory(status="in_progress", purpose="采购设备")
    taken = FinancingNeedFactory(status="submitted")
    withdrawn = FinancingNeedFactory(status="withdrawn")
    unverified = FinancingNeedFactory(
        status="submitted",
        enterprise=EnterpriseFactory(verification_status=Enterprise.VerificationStatus.PENDING),
    )
    only_foreign = FinancingNeedFactory(status="submitted")
    for need, product, score in [
        (wanted, own_a, "70.00"),
        (wanted, own_b, "82.50"),
        (second, own_a, "90.00"),
        (taken, own_a, "95.00"),
        (withdrawn, own_a, "95.00"),
        (unverified, own_a, "95.00"),
        (only_foreign, foreign, "95.00"),
        (wanted, foreign, "99.00"),
    ]:
        Match.objects.create(need=need, product=product, score=Decimal(score))
    LeadFactory(need=taken, institution=institution)
    LeadFactory(need=wanted, institution=foreign.institution)  # one holder already
    LeadFactory(need=second, institution=foreign.institution, status="closed")  # not active
    rows = list(matched_needs_for_institution(institution=institution))
    assert [(r["need_id"], r["need__purpose"], r["best_score"], r["holders"]) for r in rows] == [
        (second.pk, "采购设备", Decimal("90.00"), 0),
        (wanted.pk, "扩大产能", Decimal("82.50"), 1),
    ]


def test_the_timeline_lists_each_step_with_its_actor_and_states(officer_user, institution):
    lead = LeadFactory(institution=institution)
    lead = lead_claim(lead=lead, officer=officer_user.officer)
    lead = lead_record_contact(lead=lead, officer=officer_user.officer, note="电话沟通")
    steps = lead_timeline(lead=lead)
    assert [(s["actor"], s["from"], s["to"], s["note"], s["is_system"]) for s in steps] == [
        (officer_user, "新线索", "已认领", "", False),
        (officer_user, "已认领", "已联系", "电话沟通", False),
    ]
    assert steps[0]["at"] <= steps[1]["at"]
    assert all(s["action"] for s in steps)
