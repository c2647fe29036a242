"""The matching engine against the database: thresholds, top K, leads, triggers, idempotence."""

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections

from enterprises.models import Enterprise, FinancingNeed
from leads.models import Lead
from matchmaking.engine import recompute_all, rescore_need, rescore_product
from matchmaking.facts import need_facts, product_facts, weights_current
from matchmaking.models import Match, ScoringPolicy
from matchmaking.rules import explain_pair
from tests.conftest import run_outbox, wait_for
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LoanProductFactory,
)

GOOD = {"tags": ["mortgage", "first_loan"]}


@pytest.mark.django_db
def test_stored_scores_equal_the_explanation():
    products = [LoanProductFactory(**GOOD, typical_approval_days=d) for d in (1, 5, 20)]
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    facts = need_facts([need.pk])[0]
    by_id = {p.id: p for p in product_facts()}
    for match in Match.objects.filter(need=need):
        assert match.score == explain_pair(facts, by_id[match.product_id], weights_current()).score
    assert Match.objects.filter(need=need).count() == len(products)


@pytest.mark.django_db
def test_only_matches_at_or_above_the_minimum_are_kept():
    LoanProductFactory(**GOOD)  # about 63 points
    LoanProductFactory(tags=["mortgage"])  # about 53 points
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    scores = list(Match.objects.filter(need=need).values_list("score", flat=True))
    assert len(scores) == 1 and scores[0] >= Decimal("60")


@pytest.mark.django_db
def test_only_the_top_k_are_kept():
    ScoringPolicy.objects.create(top_k=2)
    products = [LoanProductFactory(**GOOD, typical_approval_days=d) for d in (1, 3, 9, 20)]
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    kept = set(Match.objects.filter(need=need).values_list("product_id", flat=True))
    assert kept == {products[0].pk, products[1].pk}  # the two fastest approvals score highest


@pytest.mark.django_db
def test_drafts_and_unverified_enterprises_are_not_matched():
    LoanProductFactory(**GOOD)
    draft = FinancingNeedFactory(status="draft")
    pending = FinancingNeedFactory(
        status="submitted", enterprise=EnterpriseFactory(verification_status="pending")
    )
    recompute_all()
    assert not Match.objects.filter(need__in=[draft, pending]).exists()
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_matches_become_leads_up_to_the_contact_cap():
    for _ in range(5):
        LoanProductFactory(**GOOD, institution=InstitutionFactory())
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    assert Match.objects.filter(need=need).count() == 5
    leads = Lead.objects.filter(need=need)
    assert leads.count() == 3
    best = Match.objects.filter(need=need).order_by("-score", "product_id")[:3]
    assert {lead.institution_id for lead in leads} == {m.product.institution_id for m in best}


@pytest.mark.django_db
def test_a_revoked_institution_is_not_matched_again(enterprise_member, enterprise):
    from enterprises.services import financing_need_revoke_access

    kept = LoanProductFactory(**GOOD)
    revoked = LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    rescore_need(need.pk)
    financing_need_revoke_access(
        need=need, institution=revoked.institution, actor=enterprise_member
    )
    run_outbox()  # the rescore the revocation queued
    assert set(Match.objects.filter(need=need).values_list("product_id", flat=True)) == {kept.pk}
    lead = Lead.objects.get(need=need, institution=revoked.institution)
    assert lead.status == Lead.Status.CLOSED
    rescore_need(need.pk)  # and any later rescore keeps it out
    assert Lead.objects.filter(need=need, institution=revoked.institution).count() == 1
    assert Lead.objects.get(need=need, institution=revoked.institution).status == Lead.Status.CLOSED


@pytest.mark.django_db
def test_an_unverified_enterprise_s_need_becomes_no_lead():
    LoanProductFactory(**GOOD)
    enterprise = EnterpriseFactory(verification_status="pending")
    need = FinancingNeedFactory(status="submitted", enterprise=enterprise)
    rescore_need(need.pk)
    assert not Lead.objects.filter(need=need).exists()
    Enterprise.objects.filter(pk=enterprise.pk).update(verification_status="verified")
    rescore_need(need.pk)
    assert Lead.objects.filter(need=need).count() == 1


@pytest.mark.django_db
def test_an_institution_gets_one_lead_with_its_best_product():
    institution = InstitutionFactory()
    slow = LoanProductFactory(**GOOD, institution=institution, typical_approval_days=25)
    fast = LoanProductFactory(**GOOD, institution=institution, typical_approval_days=2)
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need)
    assert lead.product == fast
    assert Match.objects.filter(need=need, product=slow).exists()  # matched, but not the lead's
    assert lead.score == Match.objects.get(need=need, product=fast).score


@pytest.mark.django_db
def test_chosen_institutions_only():
    chosen = LoanProductFactory(**GOOD)
    LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(status="submitted", visibility="chosen")
    need.allowed_institutions.set([chosen.institution])
    rescore_need(need.pk)
    assert set(Lead.objects.filter(need=need).values_list("institution_id", flat=True)) == {
        chosen.institution_id
    }


@pytest.mark.django_db
def test_an_edit_that_breaks_eligibility_removes_the_match_and_closes_the_untouched_lead():
    product = LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need)
    FinancingNeed.objects.filter(pk=need.pk).update(term_months=120)
    rescore_need(need.pk)
    assert not Match.objects.filter(need=need, product=product).exists()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CLOSED


@pytest.mark.django_db
def test_a_claimed_lead_survives_a_rescore():
    LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    Lead.objects.filter(need=need).update(status="claimed")
    FinancingNeed.objects.filter(pk=need.pk).update(term_months=120)
    rescore_need(need.pk)
    assert Lead.objects.get(need=need).status == "claimed"


@pytest.mark.django_db
def test_a_new_product_is_matched_against_open_needs():
    needs = FinancingNeedFactory.create_batch(3, status="submitted")
    FinancingNeedFactory(status="withdrawn")
    product = LoanProductFactory(**GOOD)
    report = rescore_product(product.pk)
    assert report.matches == 3
    assert set(Match.objects.filter(product=product).values_list("need_id", flat=True)) == {
        n.pk for n in needs
    }
    assert Lead.objects.filter(institution=product.institution).count() == 3


@pytest.mark.django_db
def test_a_product_that_enters_the_top_k_pushes_out_the_lowest():
    ScoringPolicy.objects.create(top_k=2)
    slow = LoanProductFactory(**GOOD, typical_approval_days=25)
    medium = LoanProductFactory(**GOOD, typical_approval_days=10)
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    fast = LoanProductFactory(**GOOD, typical_approval_days=1)
    rescore_product(fast.pk)
    assert set(Match.objects.filter(need=need).values_list("product_id", flat=True)) == {
        fast.pk,
        medium.pk,
    }
    assert Match.objects.filter(product=slow).count() == 0


@pytest.mark.django_db
def test_recomputing_twice_changes_nothing():
    for days in (2, 8, 14):
        LoanProductFactory(**GOOD, typical_approval_days=days)
    FinancingNeedFactory.create_batch(4, status="submitted")
    recompute_all()
    before = list(
        Match.objects.order_by("pk").values_list(
            "pk", "need_id", "product_id", "score", "computed_at"
        )
    )
    leads_before = list(Lead.objects.order_by("pk").values_list("pk", "institution_id", "status"))
    report = recompute_all()
    assert report.leads_created == 0
    assert (
        list(
            Match.objects.order_by("pk").values_list(
                "pk", "need_id", "product_id", "score", "computed_at"
            )
        )
        == before
    )
    assert (
        list(Lead.objects.order_by("pk").values_list("pk", "institution_id", "status"))
        == leads_before
    )


def test_changing_the_policy_rescores_every_need_through_a_real_worker(
    celery_worker, web_as, finance_user
):
    from django.urls import reverse

    from tests.conftest import csrf_post

    good = LoanProductFactory(**GOOD)  # about 63 points under the default weights
    plain = LoanProductFactory(tags=["mortgage"])  # about 53: below the default minimum of 60
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    assert set(Match.objects.filter(need=need).values_list("product_id", flat=True)) == {good.pk}
    before = Match.objects.get(need=need, product=good).score

    web = web_as(finance_user)
    data = {
        "weight_amount": "10",
        "weight_term": "10",
        "weight_rate": "30",
        "weight_policy": "30",
        "weight_speed": "10",
        "weight_response": "10",
        "recommendation_bonus": "5",
        "min_score": "50",
        "top_k": "10",
        "note": "向首贷倾斜",
    }
    csrf_post(web, reverse("office:scoring_policy"), data)
    policy = ScoringPolicy.current()
    assert (policy.weight_policy, policy.min_score, policy.created_by) == (
        30,
        Decimal("50.00"),
        finance_user,
    )
    assert "向首贷倾斜" in web.get(reverse("office:scoring_policy")).content.decode()
    # The effect, done by the worker: the lower minimum lets the plain product in, and the
    # heavier policy weight moves the good product's score.
    assert wait_for(lambda: Match.objects.filter(need=need, product=plain).exists())
    assert Match.objects.get(need=need, product=good).score != before
    assert Lead.objects.filter(need=need, institution=plain.institution).exists()


@pytest.mark.django_db
def test_all_zero_weights_are_refused_on_the_page(web_as, finance_user):
    from django.urls import reverse

    from tests.conftest import csrf_post

    web = web_as(finance_user)
    zero = dict.fromkeys(
        [
            "weight_amount",
            "weight_term",
            "weight_rate",
            "weight_policy",
            "weight_speed",
            "weight_response",
        ],
        "0",
    )
    response = csrf_post(
        web, reverse("office:scoring_policy"), {**zero, "min_score": "60", "top_k": "20"}
    )
    assert "至少一项权重须大于零" in response.content.decode()
    assert not ScoringPolicy.objects.exists()


@pytest.mark.django_db
def test_only_the_finance_office_changes_weights(client, bureau_user, officer_user):
    from django.urls import reverse

    for user in (bureau_user, officer_user):
        client.force_login(user)
        assert client.get(reverse("office:scoring_policy")).status_code == 403


@pytest.mark.django_db
def test_the_command_shows_progress_and_a_summary():
    LoanProductFactory(**GOOD)
    FinancingNeedFactory.create_batch(5, status="submitted")
    out = StringIO()
    call_command("recompute_matches", "--block-size", "2", stdout=out)
    text = out.getvalue()
    assert "[############------------------] 2/5 needs (40%)" in text
    assert "5/5 needs (100%)" in text
    assert "5 needs × 1 products = 5 pairs scored" in text


@pytest.mark.django_db
def test_the_enterprise_sees_ranked_explained_matches_and_hints(
    client, enterprise_member, enterprise
):
    LoanProductFactory(**GOOD, name="首贷通")
    LoanProductFactory(**GOOD, name="短期贷", max_term_months=6)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    rescore_need(need.pk)
    client.force_login(enterprise_member)
    body = client.get(need.get_absolute_url()).content.decode()
    assert "首贷通" in body and "期限12个月在6–36个月范围内" in body
    assert "短期贷" in body and "期限需在6–6个月之间" in body


def test_needs_are_rescored_by_a_real_worker_when_submitted(
    celery_worker, web_as, enterprise_member, enterprise
):
    from django.urls import reverse

    from tests.conftest import csrf_post

    product = LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status="draft")
    web = web_as(enterprise_member)
    csrf_post(
        web, reverse("enterprises:need_submit", args=[need.pk]), form_url=need.get_absolute_url()
    )
    assert wait_for(
        lambda: Lead.objects.filter(need=need, institution=product.institution).exists()
    )
    assert Match.objects.filter(need=need, product=product).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_recomputes_leave_no_duplicates():
    for days in (2, 6, 12):
        LoanProductFactory(**GOOD, typical_approval_days=days, institution=InstitutionFactory())
    FinancingNeedFactory.create_batch(30, status="submitted")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            recompute_all(block_size=7)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Match.objects.count() == 90
    assert Lead.objects.count() == 90
    assert Lead.objects.values("need_id", "institution_id").distinct().count() == 90


@pytest.mark.django_db
def test_rescoring_products_one_by_one_agrees_with_a_full_recompute():
    import random

    rng = random.Random(5)
    ScoringPolicy.objects.create(top_k=3, min_score=Decimal("50"))
    needs = [
        FinancingNeedFactory(
            status="submitted",
            amount=Decimal(rng.choice([50, 200, 800, 3000])) * 10000,
            term_months=rng.choice([6, 12, 24, 48]),
            max_rate=Decimal(rng.choice(["3.60", "4.50", "6.00"])),
        )
        for _ in range(25)
    ]
    products = [
        LoanProductFactory(
            tags=rng.sample(["mortgage", "first_loan", "credit", "revolving"], k=2),
            min_amount=Decimal(rng.choice([10, 100, 500])) * 10000,
            max_amount=Decimal(rng.choice([1000, 5000])) * 10000,
            min_term_months=rng.choice([1, 6, 12]),
            max_term_months=rng.choice([24, 36, 60]),
            min_rate=Decimal(rng.choice(["3.50", "4.00", "5.00"])),
            max_rate=Decimal("6.50"),
            typical_approval_days=rng.choice([2, 7, 15, 30]),
        )
        for _ in range(8)
    ]
    for product in products:
        rescore_product(product.pk)
    one_by_one = set(Match.objects.values_list("need_id", "product_id", "score"))
    recompute_all()
    assert set(Match.objects.values_list("need_id", "product_id", "score")) == one_by_one
    assert len(one_by_one) > 10 and needs


@pytest.mark.django_db
def test_a_lead_from_a_pushed_out_product_closes():
    ScoringPolicy.objects.create(top_k=1)
    slow = LoanProductFactory(**GOOD, typical_approval_days=25)
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need, institution=slow.institution)
    fast = LoanProductFactory(**GOOD, typical_approval_days=1)
    rescore_product(fast.pk)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CLOSED
    assert Lead.objects.get(need=need, institution=fast.institution).status == Lead.Status.NEW
