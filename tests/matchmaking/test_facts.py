"""What the rules read from the database: every field of a need's and a product's facts, the
weights of the policy in force, which needs are open, and when the cached live products reload.

Expected values are written out by hand (fen, basis points, bit positions in the order the
choices are declared), not computed with the helpers under test."""

import dataclasses
from decimal import Decimal

import pytest
from django.utils import timezone

from banks.models import Institution, LoanProduct
from enterprises.models import Enterprise, FinancingNeed, NeedAccessRevocation, Recommendation
from matchmaking import facts
from matchmaking.facts import (
    live_product_facts,
    live_products_version,
    need_facts,
    open_needs_queryset,
    product_facts,
    weights_current,
)
from matchmaking.models import ScoringPolicy
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LoanProductFactory,
    ProjectFactory,
)
from tests.factories.core import IndustryChainFactory

# Bit positions, in the order the choices are declared (core/reference.py, core/sizing.py,
# banks/models.py): real_estate 0, land 1, equipment 2, receivables 3, inventory 4, IP 5;
# large 0, medium 1, small 2, micro 3; credit 0, mortgage 1, pledge 2, guarantee 3, ...
REAL_ESTATE, LAND, RECEIVABLES = 1, 2, 8
LARGE, MEDIUM, SMALL, MICRO = 1, 2, 4, 8
CREDIT, MORTGAGE, GUARANTEE = 1, 2, 8
# Loan kinds in declaration order: new 0, renewal 1, renewal without repaying principal 2.
NEW, RENEWAL = 0, 1


@pytest.fixture(autouse=True)
def _empty_live_cache():
    facts._live_cache.update(key=None, facts=None)
    yield
    facts._live_cache.update(key=None, facts=None)


def _set_size(enterprise, size_class):
    # size_class is derived on save; set it directly to pin the case under test.
    Enterprise.objects.filter(pk=enterprise.pk).update(size_class=size_class)


@pytest.mark.django_db
def test_a_need_s_facts_carry_every_field_in_the_rules_units():
    chain = IndustryChainFactory(is_key_chain=True)
    enterprise = EnterpriseFactory(chain=chain)
    _set_size(enterprise, "medium")
    project = ProjectFactory(enterprise=enterprise, is_key_project=True)
    need = FinancingNeedFactory(
        enterprise=enterprise,
        project=project,
        amount=Decimal("1234567.89"),
        term_months=18,
        max_rate=Decimal("4.35"),
        loan_kind=FinancingNeed.LoanKind.RENEWAL,
        collateral=["land", "receivables"],
        status="submitted",
    )
    [got] = need_facts([need.pk])
    assert (got.id, got.term) == (need.pk, 18)
    assert got.amount == 123456789  # fen
    assert got.max_rate == 435  # basis points
    assert got.loan_kind == RENEWAL
    assert got.collateral == LAND | RECEIVABLES
    assert got.size == MEDIUM
    assert (got.chain_id, got.key_chain) == (chain.pk, True)
    assert got.key_project is True
    assert got.recommended is False
    assert got.is_open is True
    assert got.chosen_only is False
    assert got.allowed == frozenset()
    assert got.revoked == frozenset()


@pytest.mark.django_db
def test_a_plain_need_has_the_plain_facts():
    chain = IndustryChainFactory(is_key_chain=False)
    enterprise = EnterpriseFactory(chain=chain)
    _set_size(enterprise, "")  # not classified yet
    need = FinancingNeedFactory(
        enterprise=enterprise,
        max_rate=None,
        collateral=[],
        loan_kind=FinancingNeed.LoanKind.NEW,
        status="submitted",
    )
    [got] = need_facts([need.pk])
    assert got.max_rate == 3600  # no ceiling: the rules' 36 %
    assert got.loan_kind == NEW
    assert got.collateral == 0
    assert got.size == 0  # an unknown size class sets no bit
    assert got.key_chain is False
    assert got.key_project is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size_class", "bit"),
    [("large", LARGE), ("medium", MEDIUM), ("small", SMALL), ("micro", MICRO)],
)
def test_each_size_class_sets_its_own_bit(size_class, bit):
    need = FinancingNeedFactory(status="submitted")
    _set_size(need.enterprise, size_class)
    assert need_facts([need.pk])[0].size == bit


@pytest.mark.django_db
def test_a_need_is_open_only_while_submitted_or_in_progress_and_verified():
    cases = {
        ("submitted", "verified"): True,
        ("in_progress", "verified"): True,
        ("draft", "verified"): False,
        ("closed", "verified"): False,
        ("withdrawn", "verified"): False,
        ("signed", "verified"): False,
        ("all_declined", "verified"): False,
        ("submitted", "pending"): False,
        ("in_progress", "rejected"): False,
    }
    needs = {}
    for (status, verification), _open in cases.items():
        enterprise = EnterpriseFactory(verification_status=verification)
        needs[status, verification] = FinancingNeedFactory(enterprise=enterprise, status=status)
    by_id = {f.id: f.is_open for f in need_facts([n.pk for n in needs.values()])}
    assert {key: by_id[need.pk] for key, need in needs.items()} == cases
    open_ids = set(open_needs_queryset().values_list("pk", flat=True))
    assert open_ids == {need.pk for key, need in needs.items() if cases[key]}


@pytest.mark.django_db
def test_need_facts_read_the_given_queryset_in_id_order():
    first, second, third = (FinancingNeedFactory(status="submitted") for _ in range(3))
    got = need_facts(queryset=FinancingNeed.objects.filter(pk__in=[third.pk, first.pk]))
    assert [f.id for f in got] == [first.pk, third.pk]
    assert [f.id for f in need_facts([second.pk, first.pk])] == [first.pk, second.pk]
    assert need_facts([]) == []


@pytest.mark.django_db
def test_consent_facts_name_the_chosen_and_the_revoked_institutions():
    chosen_a, chosen_b, revoked, other = (InstitutionFactory() for _ in range(4))
    chosen = FinancingNeedFactory(status="submitted", visibility=FinancingNeed.Visibility.CHOSEN)
    chosen.allowed_institutions.set([chosen_a, chosen_b])
    open_to_all = FinancingNeedFactory(status="submitted")
    open_to_all.allowed_institutions.set([other])  # ignored unless the need is "chosen only"
    NeedAccessRevocation.objects.create(need=open_to_all, institution=revoked)
    NeedAccessRevocation.objects.create(need=chosen, institution=chosen_b)
    by_id = {f.id: f for f in need_facts([chosen.pk, open_to_all.pk])}
    assert by_id[chosen.pk].chosen_only is True
    assert by_id[chosen.pk].allowed == {chosen_a.pk, chosen_b.pk}
    assert by_id[chosen.pk].revoked == {chosen_b.pk}
    assert by_id[open_to_all.pk].chosen_only is False
    assert by_id[open_to_all.pk].allowed == frozenset()
    assert by_id[open_to_all.pk].revoked == {revoked.pk}


@pytest.mark.django_db
def test_a_standing_recommendation_marks_the_need_and_a_withdrawn_one_does_not():
    recommended, project_need, withdrawn, plain = (
        FinancingNeedFactory(status="submitted") for _ in range(4)
    )
    Recommendation.objects.create(
        enterprise=recommended.enterprise, department="industry", reason="重点企业"
    )
    project = ProjectFactory(enterprise=project_need.enterprise)
    FinancingNeed.objects.filter(pk=project_need.pk).update(project=project)
    Recommendation.objects.create(
        enterprise=project.enterprise, project=project, department="industry", reason="重点项目"
    )
    Recommendation.objects.create(
        enterprise=withdrawn.enterprise,
        department="industry",
        reason="撤回",
        withdrawn_at=timezone.now(),
    )
    got = {
        f.id: f.recommended
        for f in need_facts([n.pk for n in (recommended, project_need, withdrawn, plain)])
    }
    assert got == {
        recommended.pk: True,
        project_need.pk: True,
        withdrawn.pk: False,
        plain.pk: False,
    }


@pytest.mark.django_db
def test_a_product_s_facts_carry_every_field_in_the_rules_units():
    institution = InstitutionFactory(response_rate=Decimal("0.8125"))
    chain_a, chain_b = IndustryChainFactory(), IndustryChainFactory()
    product = LoanProductFactory(
        pk=9001,  # far from any institution's id: chains are fetched by product id
        institution=institution,
        min_amount=Decimal("50000.00"),
        max_amount=Decimal("3000000.50"),
        min_term_months=3,
        max_term_months=60,
        min_rate=Decimal("3.10"),
        max_rate=Decimal("6.25"),
        eligible_size_classes=["small", "micro"],
        accepted_collateral=["real_estate", "receivables"],
        tags=["credit", "guarantee"],
        typical_approval_days=7,
    )
    product.eligible_chains.set([chain_a, chain_b])
    other = LoanProductFactory(pk=9002, eligible_size_classes=[], accepted_collateral=[], tags=[])
    other.eligible_chains.set([chain_b])
    by_id = {f.id: f for f in product_facts()}
    got = by_id[product.pk]
    assert (got.institution_id, got.is_live) == (institution.pk, True)
    assert (got.min_amount, got.max_amount) == (5000000, 300000050)
    assert (got.min_term, got.max_term) == (3, 60)
    assert (got.min_rate, got.max_rate) == (310, 625)
    assert got.sizes == SMALL | MICRO
    assert got.chains == {chain_a.pk, chain_b.pk}
    assert got.collateral == REAL_ESTATE | RECEIVABLES
    assert got.tags == CREDIT | GUARANTEE
    assert got.approval_days == 7
    assert got.response_rate == 0.8125
    assert by_id[other.pk].chains == {chain_b.pk}
    assert (by_id[other.pk].sizes, by_id[other.pk].collateral, by_id[other.pk].tags) == (0, 0, 0)


@pytest.mark.django_db
def test_only_live_products_unless_asked_for_all():
    live = LoanProductFactory()
    draft = LoanProductFactory(status=LoanProduct.Status.DRAFT)
    dormant = LoanProductFactory(institution=InstitutionFactory(is_active=False))
    assert [f.id for f in product_facts()] == [live.pk]
    everything = {f.id: f.is_live for f in product_facts(live_only=False)}
    assert everything == {live.pk: True, draft.pk: False, dormant.pk: False}
    assert [f.id for f in product_facts([draft.pk, live.pk], live_only=False)] == [
        live.pk,
        draft.pk,
    ]
    assert [f.id for f in product_facts([draft.pk, dormant.pk])] == []


@pytest.mark.django_db
def test_the_weights_are_the_policy_in_force():
    ScoringPolicy.objects.create(weight_amount=1, weight_term=2)  # an older policy
    policy = {
        "weight_amount": 11,
        "weight_term": 12,
        "weight_rate": 13,
        "weight_policy": 14,
        "weight_speed": 15,
        "weight_response": 16,
        "recommendation_bonus": 7,
        "min_score": Decimal("42.5"),
        "top_k": 9,
    }
    ScoringPolicy.objects.create(**policy)
    # The policy's columns under the rules' names: weight_amount -> amount, and so on.
    renamed = {"recommendation_bonus": "recommendation"}
    expected = {renamed.get(k, k.removeprefix("weight_")): v for k, v in policy.items()}
    assert dataclasses.asdict(weights_current()) == expected


@pytest.mark.django_db
def test_the_live_products_are_read_once_until_something_changes(django_assert_num_queries):
    assert live_products_version() is None
    product = LoanProductFactory()
    first = live_product_facts()
    assert [f.id for f in first] == [product.pk]
    version = live_products_version()
    assert version is not None
    with django_assert_num_queries(1):  # the aggregate only
        assert live_product_facts() is first
    assert live_products_version() == version
    product.max_amount = Decimal("20000000.00")
    product.save()
    assert live_product_facts()[0].max_amount == 2000000000
    assert live_products_version() != version


@pytest.mark.django_db
def test_the_cache_notices_changes_that_leave_updated_at_alone():
    institution = InstitutionFactory()
    kept = LoanProductFactory()
    retired = LoanProductFactory()
    switched_off = LoanProductFactory(institution=institution)
    assert {f.id for f in live_product_facts()} == {kept.pk, retired.pk, switched_off.pk}
    # Bulk updates, as an import or a maintenance script would make them.
    LoanProduct.objects.filter(pk=retired.pk).update(status=LoanProduct.Status.RETIRED)
    assert {f.id for f in live_product_facts()} == {kept.pk, switched_off.pk}
    Institution.objects.filter(pk=institution.pk).update(is_active=False)
    assert {f.id for f in live_product_facts()} == {kept.pk}
    Institution.objects.filter(pk=kept.institution_id).update(
        response_rate=Decimal("0.9000"), response_rate_updated_at=timezone.now()
    )
    assert [f.response_rate for f in live_product_facts()] == [0.9]


@pytest.mark.django_db
def test_the_cache_tells_apart_live_sets_whose_ids_add_up_the_same():
    # 101 + 102 == 203: only the number of live products tells the two sets apart.
    a = LoanProductFactory(pk=101)
    b = LoanProductFactory(pk=102)
    c = LoanProductFactory(pk=203, status=LoanProduct.Status.DRAFT)
    assert {f.id for f in live_product_facts()} == {a.pk, b.pk}
    LoanProduct.objects.filter(pk__in=[a.pk, b.pk]).update(status=LoanProduct.Status.DRAFT)
    LoanProduct.objects.filter(pk=c.pk).update(status=LoanProduct.Status.PUBLISHED)
    assert {f.id for f in live_product_facts()} == {c.pk}
    # One live product for another: the count stays, the ids' sum tells.
    LoanProduct.objects.filter(pk=c.pk).update(status=LoanProduct.Status.DRAFT)
    LoanProduct.objects.filter(pk=a.pk).update(status=LoanProduct.Status.PUBLISHED)
    assert {f.id for f in live_product_facts()} == {a.pk}
