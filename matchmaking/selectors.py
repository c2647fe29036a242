"""Reads of matches: a need's matched products with their explanations, and its near misses."""

import dataclasses
import hashlib

import numpy as np
from django.core.cache import cache

from banks.models import LoanProduct

from .engine import live_product_arrays
from .facts import live_products_version, need_facts, product_facts, weights_current
from .kernel import need_columns, score_block
from .models import Match, ScoringPolicy
from .rules import ACTIONABLE_RULES, explain_pair, hard_rules

# --- Matches and their explanations -------------------------------------------------------------


def need_matches_explained(*, need, limit: int | None = None):
    """Stored matches of a need, best first, each with its per-criterion explanation."""
    matches = list(
        Match.objects.filter(need=need)
        .select_related("product__institution")
        .order_by("-score", "product_id")[:limit]
    )
    if not matches:
        return []
    weights = weights_current()
    facts = need_facts([need.pk])[0]
    products = {p.id: p for p in product_facts([m.product_id for m in matches], live_only=False)}
    return [(m, explain_pair(facts, products[m.product_id], weights)) for m in matches]


def need_near_misses(*, need, limit: int = 5):
    """Published products the need fails by exactly one rule it can act on, with the hint."""
    weights = weights_current()
    facts = need_facts([need.pk])
    arrays = live_product_arrays()
    products = arrays.facts
    if not facts or not products:
        return []
    # Judge the need as if submitted and verified: the hints say what the enterprise can change.
    hypothetical = dataclasses.replace(facts[0], is_open=True)
    block = score_block([hypothetical], arrays, weights)
    candidates = np.nonzero(block.failed_count[0] == 1)[0]
    results = []
    for index in candidates.tolist():
        result = explain_pair(hypothetical, products[index], weights)
        if result.is_near_miss:
            results.append((arrays.facts[index], result))
    by_id = LoanProduct.objects.select_related("institution").in_bulk([p.id for p, _r in results])
    return [(by_id[p.id], r) for p, r in results[:limit]]


# Needs are judged against the live products in blocks of this many, so the arrays stay small.
NEAR_MISS_BLOCK = 2000


def near_miss_rules(*, need_ids) -> dict[int, frozenset[str]]:
    """For each need, the rules it fails *alone* against some published product (the rules whose
    change would give it a match), judged as if it were open. An empty set: every product fails
    it on more than one rule. The finance office's unserved list aggregates these."""
    need_ids = list(need_ids)
    arrays = live_product_arrays()
    found = {pk: set() for pk in need_ids}
    if not need_ids or not arrays.facts:
        return {pk: frozenset(v) for pk, v in found.items()}
    weights = weights_current()
    for start in range(0, len(need_ids), NEAR_MISS_BLOCK):
        needs = [
            dataclasses.replace(f, is_open=True)
            for f in need_facts(need_ids[start : start + NEAR_MISS_BLOCK])
        ]
        block = score_block(needs, arrays, weights)
        single = block.failed_count == 1
        if not single.any():
            continue
        columns = {**arrays.columns, **need_columns(needs, arrays)}
        shape = single.shape
        for code, passed in hard_rules(columns).items():
            if code not in ACTIONABLE_RULES:
                continue
            alone = single & ~np.broadcast_to(passed, shape)
            for row in np.nonzero(alone.any(axis=1))[0].tolist():
                found[needs[row].id].add(code)
    return {pk: frozenset(v) for pk, v in found.items()}


# A need's cached hints last this long at most when nothing that keys them changes.
NEAR_MISS_SECONDS = 60 * 60


def _stamp(moment) -> str:
    return f"{moment.timestamp():.6f}" if moment else "-"


def near_miss_rules_cached(*, needs) -> dict[int, frozenset[str]]:
    """``near_miss_rules`` for ``needs`` (triples of id, ``updated_at`` and ``matched_at``), each
    need's answer kept in the cache until the need is edited or matched again, or the live
    products or the scoring policy change, so a page listing unmatched needs does not run the
    rules over all of them on every load. Only the needs missing from the cache are computed.
    A change of the enterprise alone (its size class, chain) shows when the need is rescored,
    or after ``NEAR_MISS_SECONDS``."""
    needs = list(needs)
    if not needs:
        return {}
    live_product_arrays()  # brings the live products' version up to date
    version = hashlib.sha256(
        repr((live_products_version(), weights_current())).encode()
    ).hexdigest()[:20]
    keys = {
        pk: f"matchmaking:near_miss:{version}:{pk}:{_stamp(updated_at)}:{_stamp(matched_at)}"
        for pk, updated_at, matched_at in needs
    }
    cached = cache.get_many(list(keys.values()))
    found = {pk: frozenset(cached[key]) for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        computed = near_miss_rules(need_ids=missing)
        cache.set_many(
            {keys[pk]: sorted(codes) for pk, codes in computed.items()}, NEAR_MISS_SECONDS
        )
        found.update(computed)
    return found


def pair_explanation(*, need_id: int, product_id: int | None):
    """The per-criterion explanation of one product for one need (None if either is gone)."""
    if product_id is None:
        return None
    needs = need_facts([need_id])
    products = product_facts([product_id], live_only=False)
    if not needs or not products:
        return None
    return explain_pair(needs[0], products[0], weights_current())


def scoring_policy_history(*, limit: int):
    return ScoringPolicy.objects.select_related("created_by")[:limit]
