"""Load needs and products from the database into the plain facts the rules read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Q, Sum

from banks.models import LoanProduct
from enterprises.models import (
    OPEN_NEED_STATUSES,
    Enterprise,
    FinancingNeed,
    NeedAccessRevocation,
)
from enterprises.selectors import recommended_q

from .models import ScoringPolicy
from .rules import (
    COLLATERAL_BITS,
    LOAN_KIND_CODES,
    SIZE_BITS,
    TAG_BITS,
    NeedFacts,
    ProductFacts,
    Weights,
    basis_points,
    bits,
    fen,
)

NEED_FIELDS = (
    "id",
    "amount",
    "term_months",
    "max_rate",
    "loan_kind",
    "collateral",
    "status",
    "visibility",
    "enterprise__size_class",
    "enterprise__chain_id",
    "enterprise__chain__is_key_chain",
    "is_recommended",
    "enterprise__verification_status",
    "project__is_key_project",
)


def weights_current() -> Weights:
    policy = ScoringPolicy.current()
    return Weights(
        amount=policy.weight_amount,
        term=policy.weight_term,
        rate=policy.weight_rate,
        policy=policy.weight_policy,
        speed=policy.weight_speed,
        response=policy.weight_response,
        recommendation=policy.recommendation_bonus,
        min_score=policy.min_score,
        top_k=policy.top_k,
    )


def open_needs_queryset():
    return FinancingNeed.objects.filter(
        status__in=OPEN_NEED_STATUSES,
        enterprise__verification_status=Enterprise.VerificationStatus.VERIFIED,
    )


def need_facts(need_ids: Iterable[int] | None = None, *, queryset=None) -> list[NeedFacts]:
    """Facts for the given needs (any status), or for every need in ``queryset``."""
    qs = queryset if queryset is not None else FinancingNeed.objects.filter(pk__in=list(need_ids))
    rows = list(
        qs.annotate(is_recommended=recommended_q()).order_by("id").values_list(*NEED_FIELDS)
    )
    # Consent exceptions are few: fetch them with a subquery, not a list of every need id.
    scope = qs.order_by().values("pk")
    allowed, revoked = defaultdict(set), defaultdict(set)
    if any(row[7] == FinancingNeed.Visibility.CHOSEN for row in rows):
        through = FinancingNeed.allowed_institutions.through
        for need_id, institution_id in through.objects.filter(
            financingneed_id__in=scope.filter(visibility=FinancingNeed.Visibility.CHOSEN)
        ).values_list("financingneed_id", "institution_id"):
            allowed[need_id].add(institution_id)
    if rows:
        for need_id, institution_id in NeedAccessRevocation.objects.filter(
            need_id__in=scope
        ).values_list("need_id", "institution_id"):
            revoked[need_id].add(institution_id)
    facts = []
    for (
        pk,
        amount,
        term,
        max_rate,
        loan_kind,
        collateral,
        status,
        visibility,
        size_class,
        chain_id,
        key_chain,
        is_recommended,
        verification,
        key_project,
    ) in rows:
        facts.append(
            NeedFacts(
                id=pk,
                amount=fen(amount),
                term=term,
                max_rate=basis_points(max_rate),
                loan_kind=LOAN_KIND_CODES[loan_kind],
                collateral=bits(collateral or [], COLLATERAL_BITS),
                size=SIZE_BITS.get(size_class, 0),
                chain_id=chain_id,
                key_chain=bool(key_chain),
                key_project=bool(key_project),
                recommended=bool(is_recommended),
                is_open=status in OPEN_NEED_STATUSES
                and verification == Enterprise.VerificationStatus.VERIFIED,
                chosen_only=visibility == FinancingNeed.Visibility.CHOSEN,
                allowed=frozenset(allowed.get(pk, ())),
                revoked=frozenset(revoked.get(pk, ())),
            )
        )
    return facts


def product_facts(
    product_ids: Iterable[int] | None = None, *, live_only: bool = True
) -> list[ProductFacts]:
    qs = LoanProduct.objects.all()
    if product_ids is not None:
        qs = qs.filter(pk__in=list(product_ids))
    if live_only:
        qs = qs.filter(status=LoanProduct.Status.PUBLISHED, institution__is_active=True)
    rows = list(
        qs.order_by("id").values_list(
            "id",
            "institution_id",
            "status",
            "institution__is_active",
            "min_amount",
            "max_amount",
            "min_term_months",
            "max_term_months",
            "min_rate",
            "max_rate",
            "eligible_size_classes",
            "accepted_collateral",
            "tags",
            "typical_approval_days",
            "institution__response_rate",
        )
    )
    chains = defaultdict(set)
    through = LoanProduct.eligible_chains.through
    for product_id, chain_id in through.objects.filter(
        loanproduct_id__in=[r[0] for r in rows]
    ).values_list("loanproduct_id", "industrychain_id"):
        chains[product_id].add(chain_id)
    return [
        ProductFacts(
            id=pk,
            institution_id=institution_id,
            is_live=status == LoanProduct.Status.PUBLISHED and bool(active),
            min_amount=fen(min_amount),
            max_amount=fen(max_amount),
            min_term=min_term,
            max_term=max_term,
            min_rate=basis_points(min_rate),
            max_rate=basis_points(max_rate),
            sizes=bits(sizes or [], SIZE_BITS),
            chains=frozenset(chains.get(pk, ())),
            collateral=bits(collateral or [], COLLATERAL_BITS),
            tags=bits(tags or [], TAG_BITS),
            approval_days=days,
            response_rate=float(response_rate),
        )
        for (
            pk,
            institution_id,
            status,
            active,
            min_amount,
            max_amount,
            min_term,
            max_term,
            min_rate,
            max_rate,
            sizes,
            collateral,
            tags,
            days,
            response_rate,
        ) in rows
    ]


_live_cache: dict = {"key": None, "facts": None}


def live_products_version() -> tuple | None:
    """What ``live_product_facts`` last saw of the products (None before its first call): it
    changes whenever the live products' facts do."""
    return _live_cache["key"]


def live_product_facts() -> list[ProductFacts]:
    """Facts of every published product, cached in the process until any product or
    institution rate changes (one cheap aggregate query checks that).

    The set of live products (published, of an active institution) is fingerprinted by its size
    and the sum of its ids, so a product leaving or joining it is noticed whatever the route: a
    retirement, an institution switched off, a bulk update that leaves ``updated_at`` alone."""
    live = Q(status=LoanProduct.Status.PUBLISHED, institution__is_active=True)
    key = tuple(
        LoanProduct.objects.aggregate(
            count=Count("id", filter=live),
            ids=Sum("id", filter=live),
            changed=Max("updated_at"),
            rates=Max("institution__response_rate_updated_at"),
        ).values()
    )
    if _live_cache["key"] != key:
        _live_cache["facts"] = product_facts()
        _live_cache["key"] = key
    return _live_cache["facts"]
