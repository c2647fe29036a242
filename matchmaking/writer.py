"""Writing the kept matches: the stored matches of a set of needs made equal to what the kernel kept.

Two backends with one behaviour: on PostgreSQL the rows go through COPY (straight into the table
on a first recompute, through a temporary table and an upsert otherwise), which the benchmark
showed to be several times faster than batched INSERTs at province scale; elsewhere the ORM's
bulk operations. Every write runs with the needs locked in id order, so two recomputes of the same
needs take turns.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from enterprises.models import FinancingNeed

from .kernel import KeptMatch
from .models import Match

# How matches are ranked within a need, the same order as ``kernel.select_top``.
MATCH_RANK = [F("score").desc(), F("product_id").asc()]


def lock_needs(need_ids: Sequence[int]) -> list[int]:
    """Lock needs in id order, so concurrent recomputes of the same needs take turns."""
    return list(
        FinancingNeed.objects.select_for_update()
        .filter(pk__in=need_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _score(centipoints: int) -> Decimal:
    return Decimal(centipoints) / 100


def write_matches(
    need_ids: Sequence[int], kept: list[KeptMatch], *, product_ids: Sequence[int] | None = None
) -> None:
    """Make the stored matches of these needs (within ``product_ids`` if given) equal ``kept``."""
    if connection.vendor == "postgresql":
        _write_matches_postgresql(need_ids, kept, product_ids)
        return
    existing = Match.objects.filter(need_id__in=need_ids)
    if product_ids is not None:
        existing = existing.filter(product_id__in=product_ids)
    current = {
        (n, p): (pk, score)
        for pk, n, p, score in existing.values_list("pk", "need_id", "product_id", "score")
    }
    wanted = {(m.need_id, m.product_id): m for m in kept}
    stale = [pk for key, (pk, _s) in current.items() if key not in wanted]
    if stale:
        Match.objects.filter(pk__in=stale).delete()
    now = timezone.now()
    to_create, to_update = [], []
    for key, m in wanted.items():
        score = _score(m.centipoints)
        if key not in current:
            to_create.append(Match(need_id=m.need_id, product_id=m.product_id, score=score))
        elif current[key][1] != score:
            to_update.append(Match(pk=current[key][0], score=score, computed_at=now))
    Match.objects.bulk_create(to_create, batch_size=500)
    Match.objects.bulk_update(to_update, ["score", "computed_at"], batch_size=500)


def _write_matches_postgresql(need_ids, kept, product_ids) -> None:
    table = Match._meta.db_table
    stamp = timezone.now().isoformat()
    buffer = io.StringIO()
    for m in kept:
        buffer.write(
            f"{m.need_id}\t{m.product_id}\t{m.centipoints // 100}.{m.centipoints % 100:02d}\t{stamp}\n"
        )
    buffer.seek(0)
    product_filter = "AND m.product_id = ANY(%s)" if product_ids is not None else ""
    params = [list(need_ids)] + ([list(product_ids)] if product_ids is not None else [])
    columns = "(need_id, product_id, score, computed_at)"
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
            "CREATE TEMP TABLE IF NOT EXISTS tmp_match (need_id bigint, product_id bigint, "
            "score numeric(5,2), computed_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tmp_match")
        cursor.cursor.copy_expert("COPY tmp_match FROM STDIN", buffer)
        cursor.execute(
            f"""DELETE FROM {table} m WHERE m.need_id = ANY(%s) {product_filter}
                AND NOT EXISTS (SELECT 1 FROM tmp_match t
                                WHERE t.need_id = m.need_id AND t.product_id = m.product_id)""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {table} {columns}
                SELECT need_id, product_id, score, computed_at FROM tmp_match
                ON CONFLICT (need_id, product_id) DO UPDATE
                SET score = EXCLUDED.score, computed_at = EXCLUDED.computed_at
                WHERE {table}.score IS DISTINCT FROM EXCLUDED.score"""
        )


def _ranked(need_ids: Sequence[int]):
    return Match.objects.filter(need_id__in=list(need_ids)).annotate(
        rank=Window(RowNumber(), partition_by=[F("need_id")], order_by=MATCH_RANK)
    )


def trim_to_top_k(need_ids: Sequence[int], top_k: int) -> None:
    """Drop matches ranked below K for these needs."""
    if not need_ids:
        return
    surplus = list(_ranked(need_ids).filter(rank__gt=top_k).values_list("pk", flat=True))
    if surplus:
        Match.objects.filter(pk__in=surplus).delete()


def kth_other_match(
    need_ids: Sequence[int], product_id: int, top_k: int
) -> dict[int, tuple[int, int]]:
    """For needs that already hold K matches of other products: (centipoints, product id) of the
    K-th, the one a newcomer has to beat."""
    if not need_ids:
        return {}
    others = (
        Match.objects.filter(need_id__in=list(need_ids))
        .exclude(product_id=product_id)
        .annotate(rank=Window(RowNumber(), partition_by=[F("need_id")], order_by=MATCH_RANK))
        .filter(rank=top_k)
        .values_list("need_id", "score", "product_id")
    )
    return {need_id: (int(score * 100), other) for need_id, score, other in others}


def delete_matches(queryset) -> None:
    """Delete matches set-wise (nothing refers to a match, so this is one DELETE)."""
    queryset.delete()
