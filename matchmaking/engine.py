"""The bulk matching path: whole blocks of needs against every product, vectorised with NumPy.

It runs the very rules of ``matchmaking.rules`` on arrays, keeps the top K eligible matches per
need at or above the minimum score, writes them (an upsert, so running twice changes nothing) and
hands new leads to institutions up to the contact cap.
"""

from __future__ import annotations

import io
import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import LoanProduct
from enterprises.models import OPEN_NEED_STATUSES, Enterprise, FinancingNeed

from .facts import (
    institution_response_rates_refresh,
    live_product_facts,
    need_facts,
    open_needs_queryset,
    product_facts,
    weights_current,
)
from .models import ACTIVE_LEAD_STATUSES, Lead, LeadEvent, Match, PortalSettings
from .rules import (
    SOFT_FACTORS,
    SOFT_INPUTS,
    NeedFacts,
    ProductFacts,
    Weights,
    hard_rules,
    soft_factors,
    weighted_centipoints,
)
from .workdays import working_day_deadline

# About two million pairs per block: large enough that database round trips are few, small enough
# that a block's arrays stay in a few hundred megabytes.
PAIRS_PER_BLOCK = 2_000_000
NEED_BLOCK = 1000  # the smallest block
TIE_SHIFT = 1 << 21  # room for the product's rank below the score in the selection key


# --- Arrays -----------------------------------------------------------------------------------


@dataclass
class ProductArrays:
    facts: list[ProductFacts]
    ids: np.ndarray
    institution_ids: np.ndarray
    columns: dict  # p_* columns, shape (1, P)
    chain_matrix: np.ndarray  # (chains + 1, P): row c says whether product lists chain c
    chain_row: dict[int, int]  # chain id → row; the last row is "no chain"

    @classmethod
    def build(cls, facts: Sequence[ProductFacts]) -> ProductArrays:
        def col(getter, dtype=np.int64):
            return np.array([getter(p) for p in facts], dtype=dtype)[None, :]

        chain_ids = sorted({c for p in facts for c in p.chains})
        chain_row = {c: i for i, c in enumerate(chain_ids)}
        matrix = np.zeros((len(chain_ids) + 1, len(facts)), dtype=bool)
        for j, product in enumerate(facts):
            for chain in product.chains:
                matrix[chain_row[chain], j] = True
        columns = {
            "p_live": col(lambda p: p.is_live, bool),
            "p_min_amount": col(lambda p: p.min_amount),
            "p_max_amount": col(lambda p: p.max_amount),
            "p_min_term": col(lambda p: p.min_term),
            "p_max_term": col(lambda p: p.max_term),
            "p_min_rate": col(lambda p: p.min_rate),
            "p_max_rate": col(lambda p: p.max_rate),
            "p_sizes": col(lambda p: p.sizes),
            "p_any_chain": col(lambda p: not p.chains, bool),
            "p_collateral": col(lambda p: p.collateral),
            "p_tags": col(lambda p: p.tags),
            "p_approval_days": col(lambda p: p.approval_days),
            "p_response_rate": col(lambda p: p.response_rate, np.float64),
        }
        return cls(
            facts=list(facts),
            ids=np.array([p.id for p in facts], dtype=np.int64),
            institution_ids=np.array([p.institution_id for p in facts], dtype=np.int64),
            columns=columns,
            chain_matrix=matrix,
            chain_row=chain_row,
        )


def need_columns(needs: Sequence[NeedFacts], products: ProductArrays) -> dict:
    def col(getter, dtype=np.int64):
        return np.array([getter(n) for n in needs], dtype=dtype)[:, None]

    no_chain = len(products.chain_row)
    chain_rows = np.array(
        [products.chain_row.get(n.chain_id, no_chain) for n in needs], dtype=np.int64
    )
    consented = np.ones((len(needs), len(products.facts)), dtype=bool)
    for i, need in enumerate(needs):
        if need.chosen_only:
            consented[i] = np.isin(products.institution_ids, list(need.allowed))
        if need.revoked:
            consented[i] &= ~np.isin(products.institution_ids, list(need.revoked))
    return {
        "n_open": col(lambda n: n.is_open, bool),
        "n_amount": col(lambda n: n.amount),
        "n_term": col(lambda n: n.term),
        "n_max_rate": col(lambda n: n.max_rate),
        "n_kind": col(lambda n: n.loan_kind),
        "n_collateral": col(lambda n: n.collateral),
        "n_size": col(lambda n: n.size),
        "n_key_chain": col(lambda n: n.key_chain, bool),
        "n_key_project": col(lambda n: n.key_project, bool),
        "n_recommended": col(lambda n: n.recommended, bool),
        "chain_listed": products.chain_matrix[chain_rows],
        "consented": consented,
    }


@dataclass
class BlockResult:
    eligible: np.ndarray  # (B, P) bool
    centipoints: np.ndarray  # (B, P) int64, 0 where not eligible
    failed_count: np.ndarray  # (B, P) number of hard rules failed
    soft: dict  # factor name → 1-D float64, one value per eligible pair (row-major order)
    soft_index: np.ndarray  # (B, P) int64: position of the pair in ``soft``, -1 if not eligible


def score_block(
    needs: Sequence[NeedFacts], products: ProductArrays, weights: Weights
) -> BlockResult:
    """Hard rules on every pair; soft factors and scores only on the eligible ones."""
    columns = {**products.columns, **need_columns(needs, products)}
    shape = (len(needs), len(products.facts))
    failed = np.zeros(shape, dtype=np.int8)
    for result in hard_rules(columns).values():
        failed += ~np.broadcast_to(result, shape)
    eligible = failed == 0
    rows, cols = np.nonzero(eligible)
    gathered = {name: np.broadcast_to(columns[name], shape)[rows, cols] for name in SOFT_INPUTS}
    soft = soft_factors(gathered)
    points = weighted_centipoints(soft, weights) if rows.size else np.zeros(0, dtype=np.int64)
    centipoints = np.zeros(shape, dtype=np.int64)
    centipoints[rows, cols] = points
    soft_index = np.full(shape, -1, dtype=np.int64)
    soft_index[rows, cols] = np.arange(rows.size)
    return BlockResult(
        eligible=eligible,
        centipoints=centipoints,
        failed_count=failed,
        soft=soft,
        soft_index=soft_index,
    )


@dataclass(frozen=True)
class KeptMatch:
    need_id: int
    product_id: int
    institution_id: int
    centipoints: int
    reasons: list


def select_top(
    block: BlockResult, needs, products: ProductArrays, weights: Weights
) -> list[KeptMatch]:
    """The top K eligible products per need at or above the minimum; ties go to the lower id."""
    keep = block.eligible & (block.centipoints >= weights.min_centipoints)
    count = products.ids.size
    if count == 0:
        return []
    rank = np.argsort(np.argsort(products.ids))  # 0 for the lowest id
    key = np.where(keep, block.centipoints * TIE_SHIFT + (TIE_SHIFT - 1 - rank)[None, :], -1)
    k = min(weights.top_k, count)
    top = (
        np.argpartition(-key, k - 1, axis=1)[:, :k]
        if k < count
        else np.tile(np.arange(count), (len(needs), 1))
    )
    top_keys = np.take_along_axis(key, top, axis=1)
    order = np.argsort(-top_keys, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    rows, cols = np.nonzero(np.take_along_axis(keep, top, axis=1))
    product_cols = top[rows, cols]
    positions = block.soft_index[rows, product_cols]
    factor_points = np.stack(
        [block.soft[name][positions] * weights.max_points(name) for name in SOFT_FACTORS],
        axis=1,
    ).round(2)
    need_ids = np.array([n.id for n in needs], dtype=np.int64)
    return [
        KeptMatch(
            need_id=int(need_ids[r]),
            product_id=int(products.ids[c]),
            institution_id=int(products.institution_ids[c]),
            centipoints=int(block.centipoints[r, c]),
            reasons=points.tolist(),
        )
        for r, c, points in zip(rows.tolist(), product_cols.tolist(), factor_points, strict=True)
    ]


# --- Writing matches ----------------------------------------------------------------------------


def _lock_needs(need_ids: Sequence[int]) -> list[int]:
    """Lock needs in id order, so concurrent recomputes of the same needs take turns."""
    return list(
        FinancingNeed.objects.select_for_update()
        .filter(pk__in=need_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _write_matches(
    need_ids: Sequence[int], kept: list[KeptMatch], *, product_ids: Sequence[int] | None = None
):
    """Make the stored matches of these needs (within ``product_ids`` if given) equal ``kept``."""
    if connection.vendor == "postgresql":
        _write_matches_postgresql(need_ids, kept, product_ids)
        return
    existing = Match.objects.filter(need_id__in=need_ids)
    if product_ids is not None:
        existing = existing.filter(product_id__in=product_ids)
    current = {
        (n, p): (pk, score, reasons)
        for pk, n, p, score, reasons in existing.values_list(
            "pk", "need_id", "product_id", "score", "reasons"
        )
    }
    wanted = {(m.need_id, m.product_id): m for m in kept}
    stale = [pk for key, (pk, _s, _r) in current.items() if key not in wanted]
    if stale:
        Match.objects.filter(pk__in=stale).delete()
    now = timezone.now()
    to_create, to_update = [], []
    for key, m in wanted.items():
        score = Decimal(m.centipoints) / 100
        if key not in current:
            to_create.append(
                Match(need_id=m.need_id, product_id=m.product_id, score=score, reasons=m.reasons)
            )
        elif (current[key][1], current[key][2]) != (score, m.reasons):
            to_update.append(
                Match(pk=current[key][0], score=score, reasons=m.reasons, computed_at=now)
            )
    Match.objects.bulk_create(to_create, batch_size=500)
    Match.objects.bulk_update(to_update, ["score", "reasons", "computed_at"], batch_size=500)


def _write_matches_postgresql(need_ids, kept, product_ids):
    table = Match._meta.db_table
    stamp = timezone.now().isoformat()
    buffer = io.StringIO()
    for m in kept:
        buffer.write(
            f"{m.need_id}\t{m.product_id}\t{m.centipoints // 100}.{m.centipoints % 100:02d}\t{json.dumps(m.reasons)}\t{stamp}\n"
        )
    buffer.seek(0)
    product_filter = "AND m.product_id = ANY(%s)" if product_ids is not None else ""
    params = [list(need_ids)] + ([list(product_ids)] if product_ids is not None else [])
    columns = "(need_id, product_id, score, reasons, computed_at)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} m WHERE m.need_id = ANY(%s) {product_filter})",
            params,
        )
        if not cursor.fetchone()[0]:
            # Nothing stored for these needs yet (a first recompute), and they are locked: the
            # rows go straight in.
            cursor.cursor.copy_expert(f"COPY {table} {columns} FROM STDIN", buffer)
            return
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tmp_match (need_id bigint, product_id bigint, score numeric(5,2), "
            "reasons jsonb, computed_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tmp_match")
        cursor.cursor.copy_expert("COPY tmp_match FROM STDIN", buffer)
        # Stale matches go; a lead that pointed at one keeps its lead, without the link.
        cursor.execute(
            f"""WITH stale AS (
                  DELETE FROM {table} m WHERE m.need_id = ANY(%s) {product_filter}
                  AND NOT EXISTS (SELECT 1 FROM tmp_match t WHERE t.need_id = m.need_id AND t.product_id = m.product_id)
                  RETURNING m.id)
                UPDATE {Lead._meta.db_table} SET match_id = NULL WHERE match_id IN (SELECT id FROM stale)""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {table} (need_id, product_id, score, reasons, computed_at)
                SELECT need_id, product_id, score, reasons, computed_at FROM tmp_match
                ON CONFLICT (need_id, product_id) DO UPDATE
                SET score = EXCLUDED.score, reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at
                WHERE ({table}.score, {table}.reasons) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.reasons)"""
        )


def _trim_to_top_k(need_ids: Sequence[int], top_k: int) -> None:
    """Drop matches ranked below K for these needs (same order as ``select_top``)."""
    table = Match._meta.db_table
    for start in range(0, len(need_ids), 900):
        chunk = list(need_ids[start : start + 900])
        placeholders = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT id FROM (
                      SELECT id, ROW_NUMBER() OVER (PARTITION BY need_id ORDER BY score DESC, product_id) AS rn
                      FROM {table} WHERE need_id IN ({placeholders})
                    ) ranked WHERE rn > %s""",
                [*chunk, top_k],
            )
            surplus = [row[0] for row in cursor.fetchall()]
        if surplus:
            # Through the ORM, so leads pointing at a dropped match keep their lead (SET_NULL).
            Match.objects.filter(pk__in=surplus).delete()


# --- Leads ---------------------------------------------------------------------------------------


def _assign_leads(
    need_ids: Sequence[int],
    kept_by_need: dict[int, list[KeptMatch]],
    *,
    now=None,
    close_unmatched: bool = True,
) -> int:
    """Give free slots (up to the contact cap) to the best matched institutions without a lead,
    and close new, untouched leads whose institution no longer matches. Returns leads created.

    With ``close_unmatched=False`` the kept matches given are only some of the need's (one
    product's), so no lead is closed for lack of a match."""
    now = now or timezone.now()
    settings_row = PortalSettings.load()
    statuses = dict(FinancingNeed.objects.filter(pk__in=need_ids).values_list("pk", "status"))
    leads_by_need = defaultdict(list)
    for row in Lead.objects.filter(need_id__in=need_ids).values_list(
        "pk", "need_id", "institution_id", "status"
    ):
        leads_by_need[row[1]].append(row)
    open_statuses = (FinancingNeed.Status.SUBMITTED, FinancingNeed.Status.IN_PROGRESS)
    new_leads, to_close = [], []
    for need_id in need_ids:
        leads = leads_by_need.get(need_id, [])
        best_by_institution = {}
        for match in kept_by_need.get(need_id, []):
            best_by_institution.setdefault(match.institution_id, match)
        closing = {
            pk
            for pk, _n, institution_id, status in leads
            if close_unmatched
            and status == Lead.Status.NEW
            and institution_id not in best_by_institution
        }
        to_close.extend(closing)
        if statuses.get(need_id) not in open_statuses:
            continue
        active = sum(
            1
            for pk, _n, _i, status in leads
            if status in ACTIVE_LEAD_STATUSES and pk not in closing
        )
        had = {institution_id for _pk, _n, institution_id, _s in leads}
        free = settings_row.contact_cap - active
        for institution_id, match in best_by_institution.items():
            if free <= 0:
                break
            if institution_id not in had:
                new_leads.append(match)
                free -= 1
    if to_close:
        Lead.objects.filter(pk__in=to_close, status=Lead.Status.NEW).update(
            status=Lead.Status.CLOSED, updated_at=now
        )
        note = _("The need no longer matches this institution's products.")
        LeadEvent.objects.bulk_create(
            [
                LeadEvent(
                    lead_id=pk, from_status=Lead.Status.NEW, to_status=Lead.Status.CLOSED, note=note
                )
                for pk in to_close
            ]
        )
    if not new_leads:
        return 0
    due = working_day_deadline(now, settings_row.response_working_days)
    if connection.vendor == "postgresql":
        # The link to the match is found by the database while inserting.
        rows = [(m.need_id, m.institution_id, m.product_id, m.centipoints) for m in new_leads]
        return _insert_leads_postgresql(rows, now=now, due=due)
    match_ids = {
        (n, p): pk
        for pk, n, p in Match.objects.filter(
            need_id__in={m.need_id for m in new_leads},
            product_id__in={m.product_id for m in new_leads},
        ).values_list("pk", "need_id", "product_id")
    }
    rows = [
        (
            m.need_id,
            m.institution_id,
            match_ids.get((m.need_id, m.product_id)),
            m.product_id,
            m.centipoints,
        )
        for m in new_leads
    ]
    before = Lead.objects.filter(need_id__in=need_ids).count()
    Lead.objects.bulk_create(
        [
            Lead(
                need_id=need_id,
                institution_id=institution_id,
                match_id=match_id,
                product_id=product_id,
                score=Decimal(centipoints) / 100,
                received_at=now,
                contact_due_at=due,
            )
            for need_id, institution_id, match_id, product_id, centipoints in rows
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return Lead.objects.filter(need_id__in=need_ids).count() - before


def _insert_leads_postgresql(rows, *, now, due) -> int:
    """COPY new leads in; a lead another process created meanwhile is left as it is."""
    buffer = io.StringIO()
    stamp, deadline = now.isoformat(), due.isoformat()
    for need_id, institution_id, product_id, centipoints in rows:
        buffer.write(
            f"{need_id}\t{institution_id}\t{product_id}\t{centipoints // 100}.{centipoints % 100:02d}\t{stamp}\t{deadline}\n"
        )
    buffer.seek(0)
    table = Lead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tmp_lead (need_id bigint, institution_id bigint, "
            "product_id bigint, score numeric(5,2), received_at timestamptz, contact_due_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tmp_lead")
        cursor.cursor.copy_expert("COPY tmp_lead FROM STDIN", buffer)
        cursor.execute(
            f"""INSERT INTO {table} (need_id, institution_id, match_id, product_id, score, status,
                    assigned_to_id, received_at, contact_due_at, first_contacted_at, decline_reason,
                    decline_note, created_at, updated_at)
                SELECT t.need_id, t.institution_id, m.id, t.product_id, t.score, %s, NULL, t.received_at,
                    t.contact_due_at, NULL, '', '', t.received_at, t.received_at
                FROM tmp_lead t
                LEFT JOIN {Match._meta.db_table} m ON m.need_id = t.need_id AND m.product_id = t.product_id
                ON CONFLICT (need_id, institution_id) DO NOTHING""",
            [Lead.Status.NEW],
        )
        return cursor.rowcount


# --- The three entry points ---------------------------------------------------------------------


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


def _write_block(need_ids: list[int], kept: list[KeptMatch], report: RecomputeReport) -> None:
    started = time.perf_counter()
    kept_by_need = defaultdict(list)
    for match in kept:
        kept_by_need[match.need_id].append(match)
    with transaction.atomic():
        _lock_needs(need_ids)
        _write_matches(need_ids, kept)
        report.leads_created += _assign_leads(need_ids, kept_by_need)
    report.write_seconds += time.perf_counter() - started


def _recompute_block(needs, products: ProductArrays, weights: Weights, report: RecomputeReport):
    _write_block([n.id for n in needs], _compute_block(needs, products, weights, report), report)


def recompute_all(
    *, progress: Callable[[int, int], None] | None = None, block_size: int | None = None
) -> RecomputeReport:
    """Rescore every open need against every live product; drop matches of closed needs.

    On PostgreSQL, outside a surrounding transaction, block i is written by a second thread (its
    own connection) while block i+1 is loaded and scored: NumPy and the database driver both
    release the GIL, so the two cores work at once.
    """
    institution_response_rates_refresh()
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
            needs = need_facts(ids)
            report.load_seconds += time.perf_counter() - loading
            kept = _compute_block(needs, products, weights, report)
            if pending is not None:
                pending.result()
            if pipelined:
                pending = writer.submit(_write_block, ids, kept, report)
            else:
                _write_block(ids, kept, report)
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
    _delete_matches(
        Match.objects.filter(
            Q(need__status__in=closed_needs)
            | Q(need__enterprise__verification_status__in=unverified)
            | Q(product__status__in=unpublished)
            | Q(product__institution__is_active=False)
        )
    )
    report.write_seconds += time.perf_counter() - cleaning
    return report


def _delete_matches(queryset) -> None:
    """Delete matches set-wise; leads that pointed at one keep their lead, without the link."""
    if connection.vendor != "postgresql":
        queryset.delete()
        return
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH gone AS (DELETE FROM {Match._meta.db_table} WHERE id IN ({sql}) RETURNING id)
                UPDATE {Lead._meta.db_table} SET match_id = NULL WHERE match_id IN (SELECT id FROM gone)""",
            params,
        )


def rescore_need(need_id: int) -> RecomputeReport:
    """One need against every live product (after it is submitted, edited or withdrawn)."""
    weights = weights_current()
    needs = need_facts([need_id])
    report = RecomputeReport()
    if not needs:
        return report
    if not needs[0].is_open:
        with transaction.atomic():
            _lock_needs([need_id])
            _delete_matches(Match.objects.filter(need_id=need_id))
            _assign_leads([need_id], {})
        return report
    products = live_product_arrays()
    report.products = len(products.facts)
    _recompute_block(needs, products, weights, report)
    return report


_arrays_cache: dict = {"facts": None, "arrays": None}


def live_product_arrays() -> ProductArrays:
    """The live products as arrays, rebuilt only when the cached facts change."""
    facts = live_product_facts()
    if _arrays_cache["facts"] is not facts:
        _arrays_cache["arrays"] = ProductArrays.build(facts)
        _arrays_cache["facts"] = facts
    return _arrays_cache["arrays"]


def rescore_product(product_id: int, *, chunk: int = 5000) -> RecomputeReport:
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
            _lock_needs(sorted(currently))
            _delete_matches(Match.objects.filter(product_id=product_id))
        refresh_leads(sorted(currently))
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
        kth = _kth_other_match(passing_ids, product_id, weights.top_k)
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
            _lock_needs(touched)
            _write_matches(touched, kept, product_ids=[product_id])
            _trim_to_top_k(pushed_out, weights.top_k)
            fresh = sorted(kept_ids - set(pushed_out))
            report.leads_created += _assign_leads(
                fresh, {m.need_id: [m] for m in kept if m.need_id in fresh}, close_unmatched=False
            )
        refresh_leads(sorted(set(dropped) | set(pushed_out)))
        report.needs += len(touched)
        report.matches += len(kept)
    return report


def _kth_other_match(
    need_ids: Sequence[int], product_id: int, top_k: int
) -> dict[int, tuple[int, int]]:
    """For needs that already hold K matches of other products: (centipoints, product id) of the
    K-th, the one a newcomer has to beat."""
    if not need_ids:
        return {}
    table = Match._meta.db_table
    result = {}
    for start in range(0, len(need_ids), 900):
        chunk = list(need_ids[start : start + 900])
        placeholders = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT need_id, score, product_id FROM (
                      SELECT need_id, score, product_id,
                             ROW_NUMBER() OVER (PARTITION BY need_id ORDER BY score DESC, product_id) AS rn
                      FROM {table} WHERE need_id IN ({placeholders}) AND product_id <> %s
                    ) ranked WHERE rn = %s""",
                [*chunk, product_id, top_k],
            )
            for need_id, score, other_product in cursor.fetchall():
                result[need_id] = (int(Decimal(score) * 100), other_product)
    return result


def refresh_leads(need_ids: Sequence[int]) -> None:
    """Re-run lead assignment for needs from their stored matches."""
    if not need_ids:
        return
    kept_by_need = defaultdict(list)
    for need_id, product_id, institution_id, score in (
        Match.objects.filter(need_id__in=need_ids)
        .order_by("need_id", "-score", "product_id")
        .values_list("need_id", "product_id", "product__institution_id", "score")
    ):
        kept_by_need[need_id].append(
            KeptMatch(need_id, product_id, institution_id, int(score * 100), [])
        )
    with transaction.atomic():
        _lock_needs(need_ids)
        _assign_leads(list(need_ids), kept_by_need)
