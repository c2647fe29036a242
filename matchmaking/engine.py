"""The bulk matching path: whole blocks of needs against every product, vectorised with NumPy.

It runs the very rules of ``matchmaking.rules`` on arrays, keeps the top K eligible matches per
need at or above the minimum score, writes them (an upsert, so running twice changes nothing) and
hands new leads to institutions up to the contact cap.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import FinancingNeed

from .facts import need_facts, open_needs_queryset, product_facts, weights_current
from .models import ACTIVE_LEAD_STATUSES, Lead, LeadEvent, Match, PortalSettings
from .rules import SOFT_FACTORS, NeedFacts, ProductFacts, Weights, evaluate
from .workdays import working_day_deadline

NEED_BLOCK = 1000
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
    soft: dict  # factor name → (B, P) float64
    failed_count: np.ndarray  # (B, P) number of hard rules failed


def score_block(
    needs: Sequence[NeedFacts], products: ProductArrays, weights: Weights
) -> BlockResult:
    columns = {**products.columns, **need_columns(needs, products)}
    hard, soft, centipoints = evaluate(columns, weights)
    shape = (len(needs), len(products.facts))
    failed = np.zeros(shape, dtype=np.int8)
    for result in hard.values():
        failed += ~np.broadcast_to(result, shape)
    eligible = failed == 0
    return BlockResult(
        eligible=eligible,
        centipoints=np.where(eligible, np.broadcast_to(centipoints, shape), 0),
        soft={k: np.broadcast_to(v, shape) for k, v in soft.items()},
        failed_count=failed,
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
    weight_points = {
        "amount": weights.amount,
        "term": weights.term,
        "rate": weights.rate,
        "policy": weights.policy,
        "speed": weights.speed,
        "response": weights.response,
    }
    total = max(weights.total, 1)
    factor_points = np.stack(
        [
            block.soft[name][rows, product_cols] * (weight_points[name] * 100.0 / total)
            for name in SOFT_FACTORS
        ],
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
    buffer = io.StringIO()
    for m in kept:
        buffer.write(
            f"{m.need_id}\t{m.product_id}\t{m.centipoints // 100}.{m.centipoints % 100:02d}\t{json.dumps(m.reasons)}\n"
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tmp_match (need_id bigint, product_id bigint, score numeric(5,2), reasons jsonb) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tmp_match")
        cursor.cursor.copy_expert("COPY tmp_match FROM STDIN", buffer)
        product_filter = "AND m.product_id = ANY(%s)" if product_ids is not None else ""
        params = [list(need_ids)] + ([list(product_ids)] if product_ids is not None else [])
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
                SELECT need_id, product_id, score, reasons, now() FROM tmp_match
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
    need_ids: Sequence[int], kept_by_need: dict[int, list[KeptMatch]], *, now=None
) -> int:
    """Give free slots (up to the contact cap) to the best matched institutions without a lead,
    and close new, untouched leads whose institution no longer matches."""
    now = now or timezone.now()
    settings_row = PortalSettings.load()
    due = working_day_deadline(now, settings_row.response_working_days)
    statuses = dict(FinancingNeed.objects.filter(pk__in=need_ids).values_list("pk", "status"))
    leads_by_need = defaultdict(list)
    for lead in Lead.objects.filter(need_id__in=need_ids).only(
        "id", "need_id", "institution_id", "status"
    ):
        leads_by_need[lead.need_id].append(lead)
    match_ids = {
        (n, p): pk
        for pk, n, p in Match.objects.filter(need_id__in=need_ids).values_list(
            "pk", "need_id", "product_id"
        )
    }
    new_leads, to_close = [], []
    for need_id in need_ids:
        leads = leads_by_need.get(need_id, [])
        best_by_institution = {}
        for match in kept_by_need.get(need_id, []):
            best_by_institution.setdefault(match.institution_id, match)
        closing = {
            lead.pk
            for lead in leads
            if lead.status == Lead.Status.NEW and lead.institution_id not in best_by_institution
        }
        to_close.extend(lead for lead in leads if lead.pk in closing)
        if statuses.get(need_id) not in (
            FinancingNeed.Status.SUBMITTED,
            FinancingNeed.Status.IN_PROGRESS,
        ):
            continue
        active = sum(
            1 for lead in leads if lead.status in ACTIVE_LEAD_STATUSES and lead.pk not in closing
        )
        had = {lead.institution_id for lead in leads}
        free = settings_row.contact_cap - active
        for institution_id, match in best_by_institution.items():
            if free <= 0:
                break
            if institution_id in had:
                continue
            new_leads.append(
                Lead(
                    need_id=need_id,
                    institution_id=institution_id,
                    match_id=match_ids.get((need_id, match.product_id)),
                    product_id=match.product_id,
                    score=match.centipoints / 100,
                    received_at=now,
                    contact_due_at=due,
                )
            )
            free -= 1
    if to_close:
        Lead.objects.filter(pk__in=[lead.pk for lead in to_close], status=Lead.Status.NEW).update(
            status=Lead.Status.CLOSED, updated_at=now
        )
        LeadEvent.objects.bulk_create(
            [
                LeadEvent(
                    lead_id=lead.pk,
                    from_status=Lead.Status.NEW,
                    to_status=Lead.Status.CLOSED,
                    note=_("The need no longer matches this institution's products."),
                )
                for lead in to_close
            ]
        )
    created = Lead.objects.bulk_create(new_leads, ignore_conflicts=True, batch_size=1000)
    return len(created)


# --- The three entry points ---------------------------------------------------------------------


@dataclass
class RecomputeReport:
    needs: int = 0
    products: int = 0
    pairs: int = 0
    matches: int = 0
    leads_created: int = 0


def _recompute_block(
    needs: list[NeedFacts], products: ProductArrays, weights: Weights, report: RecomputeReport
):
    need_ids = [n.id for n in needs]
    block = score_block(needs, products, weights) if products.facts else None
    kept = select_top(block, needs, products, weights) if block is not None else []
    kept_by_need = defaultdict(list)
    for match in kept:
        kept_by_need[match.need_id].append(match)
    with transaction.atomic():
        _lock_needs(need_ids)
        _write_matches(need_ids, kept)
        report.leads_created += _assign_leads(need_ids, kept_by_need)
    report.needs += len(needs)
    report.pairs += len(needs) * len(products.facts)
    report.matches += len(kept)


def recompute_all(
    *, progress: Callable[[int, int], None] | None = None, block_size: int = NEED_BLOCK
) -> RecomputeReport:
    """Rescore every open need against every live product; drop matches of closed needs."""
    weights = weights_current()
    products = ProductArrays.build(product_facts())
    report = RecomputeReport(products=len(products.facts))
    open_ids = list(open_needs_queryset().order_by("pk").values_list("pk", flat=True))
    total = len(open_ids)
    for start in range(0, total, block_size):
        needs = need_facts(open_ids[start : start + block_size])
        _recompute_block(needs, products, weights, report)
        if progress:
            progress(min(start + block_size, total), total)
    # Matches of needs that are no longer open, and of products no longer live, go.
    Match.objects.exclude(need_id__in=open_needs_queryset().values("pk")).delete()
    Match.objects.exclude(product_id__in=products.ids.tolist()).delete()
    return report


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
            Match.objects.filter(need_id=need_id).delete()
            _assign_leads([need_id], {})
        return report
    products = ProductArrays.build(product_facts())
    report.products = len(products.facts)
    _recompute_block(needs, products, weights, report)
    return report


def rescore_product(product_id: int, *, chunk: int = 5000) -> RecomputeReport:
    """Every open need against one product (after it is published, changed or retired)."""
    weights = weights_current()
    facts = product_facts([product_id])
    report = RecomputeReport(products=len(facts))
    if not facts:
        # Retired or unpublished: its matches go, and untouched leads from it close.
        with transaction.atomic():
            affected = list(
                Match.objects.filter(product_id=product_id).values_list("need_id", flat=True)
            )
            Match.objects.filter(product_id=product_id).delete()
        refresh_leads(affected)
        return report
    products = ProductArrays.build(facts)
    open_ids = list(open_needs_queryset().order_by("pk").values_list("pk", flat=True))
    currently = set(Match.objects.filter(product_id=product_id).values_list("need_id", flat=True))
    for start in range(0, len(open_ids), chunk):
        needs = need_facts(open_ids[start : start + chunk])
        block = score_block(needs, products, weights)
        passing = block.eligible[:, 0] & (block.centipoints[:, 0] >= weights.min_centipoints)
        affected = [n.id for n, ok in zip(needs, passing, strict=True) if ok or n.id in currently]
        if not affected:
            continue
        index = {n.id: i for i, n in enumerate(needs)}
        rows = [index[i] for i in affected]
        sub = BlockResult(
            eligible=block.eligible[rows],
            centipoints=block.centipoints[rows],
            soft={k: v[rows] for k, v in block.soft.items()},
            failed_count=block.failed_count[rows],
        )
        kept = select_top(sub, [needs[r] for r in rows], products, weights)
        with transaction.atomic():
            _lock_needs(affected)
            _write_matches(affected, kept, product_ids=[product_id])
            _trim_to_top_k(affected, weights.top_k)
        report.needs += len(affected)
        report.pairs += len(needs)
        report.matches += len(kept)
        refresh_leads(affected)
    return report


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
