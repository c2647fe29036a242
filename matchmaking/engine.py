"""The entry points of matching: a full recompute, one changed need, one changed product.

Each loads facts, runs the kernel, writes the kept matches under need locks (``writer``) and
announces the write with ``signals.matches_written`` in the same transaction, so the leads app
allocates leads from exactly what was kept.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from banks.models import LoanProduct
from enterprises.models import OPEN_NEED_STATUSES, Enterprise, FinancingNeed

from .facts import (
    live_product_facts,
    need_facts,
    open_needs_queryset,
    product_facts,
    weights_current,
)
from .kernel import KeptMatch, ProductArrays, score_block, select_top
from .models import Match
from .rules import Weights
from .signals import matches_written
from .writer import delete_matches, kth_other_match, lock_needs, trim_to_top_k, write_matches

# About two million pairs per block: large enough that database round trips are few, small enough
# that a block's arrays stay in a few hundred megabytes.
PAIRS_PER_BLOCK = 2_000_000
NEED_BLOCK = 1000  # the smallest block
# Needs per chunk when one product is rescored against the open needs its ranges admit.
PRODUCT_RESCORE_CHUNK = 5000


def _announce(
    need_ids: Sequence[int], kept_by_need: dict[int, list[KeptMatch]] | None, *, complete=True
) -> int:
    """Tell the apps above that these needs' matches changed; returns the leads they created."""
    if not need_ids:
        return 0
    responses = matches_written.send(
        sender=Match, need_ids=list(need_ids), kept_by_need=kept_by_need, complete=complete
    )
    return sum(created or 0 for _receiver, created in responses)


@dataclass
class RecomputeReport:
    needs: int = 0
    products: int = 0
    pairs: int = 0
    matches: int = 0
    leads_created: int = 0
    load_seconds: float = 0.0  # reading needs from the database
    compute_seconds: float = 0.0  # the NumPy kernel and top-K selection
    write_seconds: float = 0.0  # writing matches and leads, including commit


def _compute_block(needs, products: ProductArrays, weights: Weights, report: RecomputeReport):
    started = time.perf_counter()
    block = score_block(needs, products, weights) if products.facts else None
    kept = select_top(block, needs, products, weights) if block is not None else []
    report.compute_seconds += time.perf_counter() - started
    report.needs += len(needs)
    report.pairs += len(needs) * len(products.facts)
    report.matches += len(kept)
    return kept


def _mark_matched(need_ids: list[int], scored_at) -> None:
    """Record when these needs were scored (one UPDATE per block). ``scored_at`` is when their
    facts were read, so an edit made while scoring still shows the need as being matched. A
    need already scored since its last change keeps its stamp: a recompute that changes
    nothing writes no row."""
    FinancingNeed.objects.filter(pk__in=need_ids).filter(
        Q(matched_at__isnull=True) | Q(matched_at__lt=F("updated_at"))
    ).update(matched_at=scored_at)


def _write_block(
    need_ids: list[int], kept: list[KeptMatch], report: RecomputeReport, scored_at
) -> None:
    started = time.perf_counter()
    kept_by_need = defaultdict(list)
    for match in kept:
        kept_by_need[match.need_id].append(match)
    with transaction.atomic():
        lock_needs(need_ids)
        write_matches(need_ids, kept)
        _mark_matched(need_ids, scored_at)
        report.leads_created += _announce(need_ids, kept_by_need)
    report.write_seconds += time.perf_counter() - started


def _recompute_block(
    needs, products: ProductArrays, weights: Weights, report: RecomputeReport, scored_at
):
    kept = _compute_block(needs, products, weights, report)
    _write_block([n.id for n in needs], kept, report, scored_at)


def recompute_all(
    *, progress: Callable[[int, int], None] | None = None, block_size: int | None = None
) -> RecomputeReport:
    """Rescore every open need against every live product; drop matches of closed needs.

    On PostgreSQL, outside a surrounding transaction, block i is written by a second thread (its
    own connection) while block i+1 is loaded and scored: NumPy and the database driver both
    release the GIL, so the two cores work at once.
    """
    weights = weights_current()
    products = ProductArrays.build(live_product_facts())
    report = RecomputeReport(products=len(products.facts))
    if block_size is None:
        block_size = max(NEED_BLOCK, PAIRS_PER_BLOCK // max(len(products.facts), 1))
    open_ids = list(open_needs_queryset().order_by("pk").values_list("pk", flat=True))
    total = len(open_ids)
    pipelined = connection.vendor == "postgresql" and not connection.in_atomic_block
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending = None
        for start in range(0, total, block_size):
            loading = time.perf_counter()
            ids = open_ids[start : start + block_size]
            scored_at = timezone.now()
            needs = need_facts(ids)
            report.load_seconds += time.perf_counter() - loading
            kept = _compute_block(needs, products, weights, report)
            if pending is not None:
                pending.result()
            if pipelined:
                pending = writer.submit(_write_block, ids, kept, report, scored_at)
            else:
                _write_block(ids, kept, report, scored_at)
            if progress:
                progress(min(start + block_size, total), total)
        if pending is not None:
            pending.result()
        if pipelined:
            # Resolved in the writer thread, so it closes that thread's own connection.
            writer.submit(lambda: connection.close()).result()
    cleaning = time.perf_counter()
    # Matches of needs that are no longer open, and of products no longer live, go.
    # Stated positively (joins, not NOT IN subqueries, which PostgreSQL runs row by row).
    closed_needs = set(FinancingNeed.Status.values) - OPEN_NEED_STATUSES
    unverified = set(Enterprise.VerificationStatus.values) - {
        Enterprise.VerificationStatus.VERIFIED
    }
    unpublished = set(LoanProduct.Status.values) - {LoanProduct.Status.PUBLISHED}
    delete_matches(
        Match.objects.filter(
            Q(need__status__in=closed_needs)
            | Q(need__enterprise__verification_status__in=unverified)
            | Q(product__status__in=unpublished)
            | Q(product__institution__is_active=False)
        )
    )
    report.write_seconds += time.perf_counter() - cleaning
    return report


def rescore_need(need_id: int) -> RecomputeReport:
    """One need against every live product (after it is submitted, edited or withdrawn)."""
    weights = weights_current()
    scored_at = timezone.now()
    needs = need_facts([need_id])
    report = RecomputeReport()
    if not needs:
        return report
    if not needs[0].is_open:
        with transaction.atomic():
            lock_needs([need_id])
            delete_matches(Match.objects.filter(need_id=need_id))
            _mark_matched([need_id], scored_at)
            _announce([need_id], {})
        return report
    products = live_product_arrays()
    report.products = len(products.facts)
    _recompute_block(needs, products, weights, report, scored_at)
    return report


def stale_open_need_ids(*, changed_before, limit: int) -> list[int]:
    """Open needs changed after their last scoring (or never scored), least recently changed
    first; only changes older than ``changed_before``, so a rescore still in flight is left be."""
    return list(
        open_needs_queryset()
        .filter(updated_at__lt=changed_before)
        .filter(Q(matched_at__isnull=True) | Q(matched_at__lt=F("updated_at")))
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


_arrays_cache: dict = {"facts": None, "arrays": None}


def live_product_arrays() -> ProductArrays:
    """The live products as arrays, rebuilt only when the cached facts change."""
    facts = live_product_facts()
    if _arrays_cache["facts"] is not facts:
        _arrays_cache["arrays"] = ProductArrays.build(facts)
        _arrays_cache["facts"] = facts
    return _arrays_cache["arrays"]


def rescore_product(product_id: int, *, chunk: int = PRODUCT_RESCORE_CHUNK) -> RecomputeReport:
    """Every open need against one product (after it is published, changed or retired).

    The product's amount, term and rate ranges first narrow the open needs in SQL (a superset of
    the eligible ones); the exact rules then run on those in NumPy. Only this product's matches
    are written; a need whose top K it enters loses its lowest match.
    """
    weights = weights_current()
    facts = product_facts([product_id])
    report = RecomputeReport(products=len(facts))
    currently = set(Match.objects.filter(product_id=product_id).values_list("need_id", flat=True))
    if not facts:
        # Retired or unpublished: its matches go, and untouched leads from it close.
        with transaction.atomic():
            lock_needs(sorted(currently))
            delete_matches(Match.objects.filter(product_id=product_id))
            _announce(sorted(currently), None)
        return report
    product = facts[0]
    products = ProductArrays.build(facts)
    candidates = open_needs_queryset().filter(
        Q(max_rate__isnull=True) | Q(max_rate__gte=Decimal(product.min_rate) / 100),
        amount__gte=Decimal(product.min_amount) / 100,
        amount__lte=Decimal(product.max_amount) / 100,
        term_months__gte=product.min_term,
        term_months__lte=product.max_term,
    )
    need_ids = sorted(set(candidates.values_list("pk", flat=True)) | currently)
    for start in range(0, len(need_ids), chunk):
        needs = need_facts(need_ids[start : start + chunk])
        block = score_block(needs, products, weights)
        report.pairs += len(needs)
        passing = block.eligible[:, 0] & (block.centipoints[:, 0] >= weights.min_centipoints)
        passing_ids = [n.id for n, ok in zip(needs, passing, strict=True) if ok]
        kth = kth_other_match(passing_ids, product_id, weights.top_k)
        kept = [
            m
            for m in select_top(block, needs, products, weights)
            if m.need_id not in kth
            or (m.centipoints, -product_id) > (kth[m.need_id][0], -kth[m.need_id][1])
        ]
        kept_ids = {m.need_id for m in kept}
        dropped = [n.id for n in needs if n.id in currently and n.id not in kept_ids]
        pushed_out = sorted(kept_ids & set(kth))  # these now hold K + 1 matches
        touched = sorted(kept_ids | set(dropped))
        if not touched:
            continue
        with transaction.atomic():
            lock_needs(touched)
            write_matches(touched, kept, product_ids=[product_id])
            trim_to_top_k(pushed_out, weights.top_k)
            fresh = sorted(kept_ids - set(pushed_out))
            report.leads_created += _announce(
                fresh, {m.need_id: [m] for m in kept if m.need_id in fresh}, complete=False
            )
            # Needs that lost this product, or pushed their K-th match out: from what is stored.
            report.leads_created += _announce(sorted(set(dropped) | set(pushed_out)), None)
        report.needs += len(touched)
        report.matches += len(kept)
    return report
