"""Keeping ``AgreementSummary`` equal to the sum of the counted agreements.

Each change adds the agreement's new figures and takes away its old ones in the transaction of
the change (an upsert that increments, so two signings at once both count); the rebuild computes
every row again from the agreements and replaces what differs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, Sum
from django.db.models.functions import Cast, Coalesce, TruncMonth

from leads.models import LoanAgreement
from leads.selectors import counted_agreements

from .models import AgreementSummary, SummaryState

FEN_PER_YUAN = 100


def to_fen(amount: Decimal) -> int:
    return int((Decimal(amount) * FEN_PER_YUAN).to_integral_value())


def from_fen(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def agreement_key(agreement: LoanAgreement) -> tuple:
    """The summary row an agreement counts in (in ``AgreementSummary.KEY_FIELDS`` order)."""
    enterprise = agreement.lead.need.enterprise
    chain = enterprise.chain
    return (
        _month(agreement.signed_on),
        agreement.institution_id,
        chain.pk if chain else 0,
        chain.cluster_id if chain else 0,
        enterprise.size_class or "",
        agreement.purpose,
        agreement.security,
        bool(agreement.first_loan),
        agreement.meeting_id or 0,
        enterprise.town or "",
    )


def _apply(key: tuple, count: int, fen: int) -> None:
    table = AgreementSummary._meta.db_table
    columns = [
        AgreementSummary._meta.get_field(name).column for name in AgreementSummary.KEY_FIELDS
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * (len(columns) + 2))
    sql = (
        f"INSERT INTO {table} ({quoted}, agreements, amount_fen) VALUES ({placeholders}) "
        f"ON CONFLICT ({quoted}) DO UPDATE SET "
        f"agreements = {table}.agreements + EXCLUDED.agreements, "
        f"amount_fen = {table}.amount_fen + EXCLUDED.amount_fen"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, count, fen])
    AgreementSummary.objects.filter(
        agreements__lte=0, **dict(zip(AgreementSummary.KEY_FIELDS, key, strict=True))
    ).delete()


def summary_apply_change(*, agreement: LoanAgreement, before: LoanAgreement | None) -> None:
    """Take ``before`` out of the totals (if it counted) and put ``agreement`` in (if it counts)."""
    if before is not None and before.voided_at is None:
        _apply(agreement_key(before), -1, -to_fen(before.amount))
    if agreement.voided_at is None:
        _apply(agreement_key(agreement), 1, to_fen(agreement.amount))
    SummaryState.touch()


def _computed_rows() -> dict[tuple, tuple[int, int]]:
    """Every summary row, computed from the counted agreements in one grouped query."""
    rows = (
        counted_agreements()
        .annotate(
            s_month=TruncMonth("signed_on"),
            s_chain=Coalesce(F("lead__need__enterprise__chain_id"), 0),
            s_cluster=Coalesce(F("lead__need__enterprise__chain__cluster_id"), 0),
            s_size=F("lead__need__enterprise__size_class"),
            s_meeting=Coalesce(F("meeting_id"), 0),
            s_town=F("lead__need__enterprise__town"),
        )
        .values(
            "s_month",
            "institution_id",
            "s_chain",
            "s_cluster",
            "s_size",
            "purpose",
            "security",
            "first_loan",
            "s_meeting",
            "s_town",
        )
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    computed: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows.iterator(chunk_size=5000):
        month = row["s_month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        key = (
            month,
            row["institution_id"],
            row["s_chain"],
            row["s_cluster"],
            row["s_size"] or "",
            row["purpose"],
            row["security"],
            bool(row["first_loan"]),
            row["s_meeting"],
            row["s_town"] or "",
        )
        computed[key][0] += row["n"]
        computed[key][1] += to_fen(row["total"] or 0)
    return {key: (n, fen) for key, (n, fen) in computed.items()}


def _fill_empty_summary() -> dict[str, int]:
    """An empty summary (a new install, a province's first load) is filled by one INSERT ...
    SELECT in PostgreSQL, which numbers millions of agreements in seconds."""
    select_sql, params = (
        counted_agreements()
        .annotate(
            s_month=TruncMonth("signed_on"),
            s_chain=Coalesce(F("lead__need__enterprise__chain_id"), 0),
            s_cluster=Coalesce(F("lead__need__enterprise__chain__cluster_id"), 0),
            s_size=F("lead__need__enterprise__size_class"),
            s_meeting=Coalesce(F("meeting_id"), 0),
            s_town=F("lead__need__enterprise__town"),
        )
        .values(
            "s_month",
            "institution_id",
            "s_chain",
            "s_cluster",
            "s_size",
            "purpose",
            "security",
            "first_loan",
            "s_meeting",
            "s_town",
        )
        .annotate(n=Count("id"), fen=Cast(Sum("amount") * FEN_PER_YUAN, BigIntegerField()))
        .order_by()
        .query.sql_with_params()
    )
    columns = [
        AgreementSummary._meta.get_field(name).column for name in AgreementSummary.KEY_FIELDS
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AgreementSummary._meta.db_table} ({quoted}, agreements, amount_fen) "
            f"{select_sql}",
            params,
        )
        added = cursor.rowcount
    if added:
        SummaryState.touch()
    return {"added": added, "changed": 0, "removed": 0}


@transaction.atomic
def summary_rebuild() -> dict[str, int]:
    """Make the summary equal the agreements again; only rows that differ are written, so running
    it twice changes nothing. Returns how many rows were added, changed and removed."""
    # Signings wait while the rebuild reads, so none is counted twice or lost.
    list(SummaryState.objects.select_for_update().filter(pk=1))
    if connection.vendor == "postgresql" and not AgreementSummary.objects.exists():
        return _fill_empty_summary()
    computed = _computed_rows()
    existing = {
        tuple(getattr(row, name) for name in AgreementSummary.KEY_FIELDS): row
        for row in AgreementSummary.objects.all().iterator(chunk_size=5000)
    }
    added, changed, removed = [], [], []
    for key, (count, fen) in computed.items():
        row = existing.pop(key, None)
        if row is None:
            added.append(
                AgreementSummary(
                    **dict(zip(AgreementSummary.KEY_FIELDS, key, strict=True)),
                    agreements=count,
                    amount_fen=fen,
                )
            )
        elif (row.agreements, row.amount_fen) != (count, fen):
            row.agreements, row.amount_fen = count, fen
            changed.append(row)
    removed = [row.pk for row in existing.values()]
    AgreementSummary.objects.bulk_create(added, batch_size=2000)
    AgreementSummary.objects.bulk_update(changed, ["agreements", "amount_fen"], batch_size=2000)
    for start in range(0, len(removed), 2000):
        AgreementSummary.objects.filter(pk__in=removed[start : start + 2000]).delete()
    if added or changed or removed:
        SummaryState.touch()
    return {"added": len(added), "changed": len(changed), "removed": len(removed)}
