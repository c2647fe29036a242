"""Selectors of the finance office's dashboard and funnel.

The dashboard reads the pre-aggregated ``AgreementSummary`` (never the agreements), one grouped
query per dimension, cached under the summary's change token; the funnel follows needs through
leads, approvals, agreements and disbursements, one query per step.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from banks.models import Institution
from core.models import AuditEvent, IndustryChain, IndustryCluster
from core.sizing import SizeClass
from core.workdays import WorkingDayCounter
from enterprises.models import FinancingNeed
from leads.models import Disbursement, Lead, LoanAgreement
from leads.selectors import counted_agreements
from meetings.models import Meeting

from .models import AgreementSummary, AnnualTarget, SummaryState
from .summary import from_fen

# Cached figures expire even without a change, so a lost invalidation cannot last long.
CACHE_SECONDS = 10 * 60
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard and funnel are cut by. ``start`` and ``end`` are the first days of the
    first and last months of the period (both included); None means from the beginning / up to
    now."""

    start: dt.date | None = None
    end: dt.date | None = None
    chain_id: int | None = None
    cluster_id: int | None = None
    institution_id: int | None = None
    size_class: str = ""

    @property
    def end_day(self) -> dt.date | None:
        """The last day of the period."""
        if self.end is None:
            return None
        following = (self.end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    @property
    def target_year(self) -> int:
        """The year whose targets the dashboard shows: the period's last year, else this year."""
        return self.end.year if self.end else timezone.localdate().year

    def cache_key(self) -> str:
        return ":".join(
            str(v or "")
            for v in (
                self.start,
                self.end,
                self.chain_id,
                self.cluster_id,
                self.institution_id,
                self.size_class,
            )
        )


@dataclass
class Row:
    key: object
    label: str
    count: int = 0
    amount: Decimal = ZERO
    share: float | None = None  # of the table's total amount
    target: Decimal | None = None
    progress: float | None = None  # amount / target


@dataclass
class Table:
    key: str
    title: str
    dimension: str  # the header of the label column
    rows: list[Row] = field(default_factory=list)
    with_targets: bool = False

    @property
    def total_count(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def total_amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    def chart(self) -> dict:
        """What the page's chart draws (amounts in 万元, numbers only)."""
        return {
            "key": self.key,
            "title": self.title,
            "labels": [r.label for r in self.rows],
            "amounts": [float((r.amount / 10_000).quantize(Decimal("0.01"))) for r in self.rows],
            "counts": [r.count for r in self.rows],
        }


def _summary_rows(filters: DashboardFilters, *, start=None, end=None, period=True):
    rows = AgreementSummary.objects.all()
    if period:
        start, end = filters.start, filters.end
    if start:
        rows = rows.filter(month__gte=start)
    if end:
        rows = rows.filter(month__lte=end)
    if filters.chain_id:
        rows = rows.filter(chain_key=filters.chain_id)
    if filters.cluster_id:
        rows = rows.filter(cluster_key=filters.cluster_id)
    if filters.institution_id:
        rows = rows.filter(institution_key=filters.institution_id)
    if filters.size_class:
        rows = rows.filter(size_class=filters.size_class)
    return rows


def _grouped(rows, *fields) -> list[tuple]:
    """(key..., count, fen) per distinct value of ``fields``."""
    return [
        (*(row[f] for f in fields), row["n"] or 0, row["fen"] or 0)
        for row in rows.values(*fields)
        .annotate(n=Sum("agreements"), fen=Sum("amount_fen"))
        .order_by(*fields)
    ]


def _raw_figures(filters: DashboardFilters) -> dict:
    """The grouped sums, as plain data that can be cached."""
    rows = _summary_rows(filters)
    year_start = dt.date(filters.target_year, 1, 1)
    # Progress towards the year's target counts the year up to the end of the period.
    year_rows = _summary_rows(
        filters,
        start=year_start,
        end=filters.end or dt.date(filters.target_year, 12, 1),
        period=False,
    )
    if connection.vendor == "postgresql":
        figures = _grouping_sets(rows)
    else:
        figures = {key: _grouped(rows, *fields) for key, fields in DIMENSIONS.items()}
    figures["year_institution"] = _grouped(year_rows, "institution_key")
    return figures


# Each table of the dashboard and the summary columns it groups by.
DIMENSIONS = {
    "institution": ("institution_key",),
    "chain": ("chain_key",),
    "cluster": ("cluster_key",),
    "size": ("size_class",),
    "kind": ("purpose", "security", "first_loan"),
    "town": ("town",),
    "month": ("month",),
    "meeting": ("meeting_key",),
}


def _grouping_sets(rows) -> dict:
    """Every dimension's sums in one scan of the summary (PostgreSQL's GROUPING SETS); the
    same figures ``_grouped`` gives one query per dimension."""
    columns = list(dict.fromkeys(c for fields in DIMENSIONS.values() for c in fields))
    inner_sql, params = rows.values(*columns, "agreements", "amount_fen").query.sql_with_params()
    sets = ", ".join(f"({', '.join(fields)})" for fields in DIMENSIONS.values())
    # GROUPING(...) sets a bit for every column a row is not grouped by: it names the set.
    sql = (
        f"SELECT {', '.join(columns)}, GROUPING({', '.join(columns)}), "
        f"SUM(agreements), SUM(amount_fen) FROM ({inner_sql}) s "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    bit_of = {c: 1 << (len(columns) - 1 - i) for i, c in enumerate(columns)}
    all_bits = (1 << len(columns)) - 1
    set_of_mask = {
        all_bits & ~sum(bit_of[c] for c in fields): key for key, fields in DIMENSIONS.items()
    }
    figures: dict[str, list] = {key: [] for key in DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values = dict(zip(columns, row, strict=False))
            key = set_of_mask[row[len(columns)]]
            n, fen = row[len(columns) + 1], row[len(columns) + 2]
            figures[key].append((*(values[c] for c in DIMENSIONS[key]), int(n or 0), int(fen or 0)))
    for grouped in figures.values():
        grouped.sort()  # by the dimension's values, unique within a set
    return figures


def _table(key, title, dimension, grouped, label_of, *, order_by_amount=True) -> Table:
    rows = [Row(key=k, label=label_of(k), count=n, amount=from_fen(fen)) for k, n, fen in grouped]
    if order_by_amount:
        rows.sort(key=lambda r: (-r.amount, r.label))
    table = Table(key=key, title=title, dimension=dimension, rows=rows)
    total = table.total_amount
    for row in rows:
        row.share = float(row.amount / total) if total else None
    return table


def _names(model, ids, attr="name") -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", attr))


def _progress(amount: Decimal, target: Decimal | None) -> float | None:
    return float(amount / target) if target else None


def _month_label(month: dt.date) -> str:
    return _("%(year)d-%(month)02d") % {"year": month.year, "month": month.month}


def annual_targets_list(*, limit: int):
    """Every year's targets, newest year first, the district's own before the institutions'."""
    return AnnualTarget.objects.select_related("institution", "updated_by").order_by(
        "-year", F("institution__name").asc(nulls_first=True)
    )[:limit]


# A cached token not forgotten by a change (a lost cache write) lasts at most this long.
TOKEN_SECONDS = 60


def summary_token() -> str | None:
    """The summary's change token (None until the first recorded change), from the cache when a
    change has not forgotten it (``SummaryState.touch``)."""
    token = cache.get(SummaryState.CACHE_KEY)
    if token is None:
        token = SummaryState.objects.filter(pk=1).values_list("token", flat=True).first() or ""
        cache.add(SummaryState.CACHE_KEY, token, TOKEN_SECONDS)
    return token or None


def dashboard_figures(filters: DashboardFilters) -> dict:
    """Every table of the dashboard, the headline figures and the targets; cached under the
    summary's change token (signing, voiding, correcting, rebuilding and setting a target each
    change it), so cached figures never outlive what they were computed from."""
    token = summary_token()
    if not token:
        # No recorded change yet (agreements written around the services): compute, don't keep.
        return _compute_figures(filters)
    key = f"office:dashboard:{token}:{translation.get_language()}:{filters.cache_key()}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute_figures(filters)
        figures["token"] = token
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def _compute_figures(filters: DashboardFilters) -> dict:
    raw = _raw_figures(filters)
    institutions = {
        pk: short or name
        for pk, name, short in Institution.objects.filter(
            pk__in={k for k, *_ in raw["institution"] + raw["year_institution"]}
            | ({filters.institution_id} if filters.institution_id else set())
        ).values_list("pk", "name", "short_name")
    }
    chains = _names(IndustryChain, (k for k, *_ in raw["chain"]))
    clusters = _names(IndustryCluster, (k for k, *_ in raw["cluster"]))
    meetings = _names(Meeting, (k for k, *_ in raw["meeting"]), "title")
    sizes = dict(SizeClass.choices)
    purposes = dict(LoanAgreement.Purpose.choices)
    securities = dict(LoanAgreement.Security.choices)
    unknown = _("Not given")

    year = filters.target_year
    targets = AnnualTarget.objects.filter(year=year)
    if filters.institution_id:
        targets = targets.filter(Q(institution_id=filters.institution_id))
    target_by_institution = {t.institution_id: t.amount for t in targets}
    overall_target = (
        target_by_institution.get(filters.institution_id)
        if filters.institution_id
        else target_by_institution.get(None)
    )

    by_institution = _table(
        "institution",
        _("By institution"),
        _("Institution"),
        raw["institution"],
        lambda k: institutions.get(k, unknown),
    )
    year_amounts = {k: from_fen(fen) for k, _n, fen in raw["year_institution"]}
    by_institution.with_targets = True
    for row in by_institution.rows:
        row.target = target_by_institution.get(row.key)
        row.progress = _progress(year_amounts.get(row.key, ZERO), row.target)

    kind_rows = defaultdict(lambda: [0, 0])
    security_rows = defaultdict(lambda: [0, 0])
    first_loans = [0, 0]
    for purpose, security, first_loan, n, fen in raw["kind"]:
        kind_rows[purpose][0] += n
        kind_rows[purpose][1] += fen
        security_rows[security][0] += n
        security_rows[security][1] += fen
        if first_loan:
            first_loans[0] += n
            first_loans[1] += fen
    by_kind = _table(
        "kind",
        _("By loan kind"),
        _("Loan kind"),
        [(p, *kind_rows[p]) for p in purposes if p in kind_rows],
        lambda k: purposes.get(k, unknown),
        order_by_amount=False,
    )
    if first_loans[0]:
        by_kind.rows.append(
            Row(
                key="first_loan",
                label=_("of which first loans (首贷)"),
                count=first_loans[0],
                amount=from_fen(first_loans[1]),
                share=(
                    float(from_fen(first_loans[1]) / by_kind.total_amount)
                    if by_kind.total_amount
                    else None
                ),
            )
        )
    by_security = _table(
        "security",
        _("By security"),
        _("Security"),
        [(s, *security_rows[s]) for s in securities if s in security_rows],
        lambda k: securities.get(k, unknown),
        order_by_amount=False,
    )
    tables = [
        by_institution,
        _table(
            "chain",
            _("By industry chain"),
            _("Industry chain"),
            raw["chain"],
            lambda k: chains.get(k, unknown),
        ),
        _table(
            "cluster",
            _("By industry cluster"),
            _("Industry cluster"),
            raw["cluster"],
            lambda k: clusters.get(k, unknown),
        ),
        _table(
            "size",
            _("By size class"),
            _("Size class"),
            raw["size"],
            lambda k: sizes.get(k, unknown),
            order_by_amount=False,
        ),
        by_kind,
        by_security,
        _table(
            "town", _("By town or street"), _("Town or street"), raw["town"], lambda k: k or unknown
        ),
        _table(
            "month", _("By month"), _("Month"), raw["month"], _month_label, order_by_amount=False
        ),
        _table(
            "meeting",
            _("By meeting"),
            _("Meeting"),
            raw["meeting"],
            lambda k: meetings.get(k, _("Not at a meeting")),
        ),
    ]
    # The size classes read from large to micro, as the national standard lists them.
    size_order = list(sizes)
    tables[3].rows.sort(key=lambda r: size_order.index(r.key) if r.key in size_order else 99)
    total_amount = by_institution.total_amount
    total_count = by_institution.total_count
    credit = next((r for r in by_security.rows if r.key == LoanAgreement.Security.CREDIT), None)
    year_total = sum(year_amounts.values(), ZERO)
    return {
        "tables": tables,
        "total_amount": total_amount,
        "total_count": total_count,
        "credit_share": float(credit.amount / total_amount) if credit and total_amount else None,
        "first_loan_count": first_loans[0],
        "first_loan_amount": from_fen(first_loans[1]),
        "target_year": year,
        "year_amount": year_total,
        "overall_target": overall_target,
        "overall_progress": _progress(year_total, overall_target),
        "charts": [t.chart() for t in tables],
        "token": None,
    }


# --- The funnel -----------------------------------------------------------------------------


# A lead in one of these statuses has been approved (a signed lead was approved before).
APPROVED_LEAD_STATUSES = (Lead.Status.APPROVED, Lead.Status.SIGNED)


@dataclass
class FunnelStep:
    key: str
    label: str
    count: int = 0
    amount: Decimal = ZERO
    conversion: float | None = None  # of the previous step's count
    median_days: float | None = None  # working days from the previous step


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def funnel_figures(filters: DashboardFilters) -> list[FunnelStep]:
    """Needs submitted in the period, followed step by step. With an institution chosen, the
    steps after submission count that institution's leads, agreements and disbursements."""
    tz = timezone.get_current_timezone()
    needs = FinancingNeed.objects.filter(submitted_at__isnull=False)
    if filters.start:
        needs = needs.filter(
            submitted_at__gte=dt.datetime.combine(filters.start, dt.time.min, tzinfo=tz)
        )
    if filters.end_day:
        needs = needs.filter(
            submitted_at__lte=dt.datetime.combine(filters.end_day, dt.time.max, tzinfo=tz)
        )
    if filters.chain_id:
        needs = needs.filter(enterprise__chain_id=filters.chain_id)
    if filters.cluster_id:
        needs = needs.filter(enterprise__chain__cluster_id=filters.cluster_id)
    if filters.size_class:
        needs = needs.filter(enterprise__size_class=filters.size_class)
    need_ids = needs.values("pk")

    leads = Lead.objects.filter(need__in=need_ids)
    agreements = counted_agreements().filter(lead__need__in=need_ids)
    if filters.institution_id:
        leads = leads.filter(institution_id=filters.institution_id)
        agreements = agreements.filter(institution_id=filters.institution_id)

    submitted = {
        pk: (_local_date(at), amount)
        for pk, at, amount in needs.values_list("pk", "submitted_at", "amount")
    }
    # One row per need from each table: grouped in the database, not in Python.
    matched: dict[int, dt.date] = {}
    contacted: dict[int, dt.date] = {}
    approved: dict[int, dt.date | None] = {}
    for need_id, received, contacted_at, approved_count in (
        leads.values("need_id")
        .annotate(
            received=Min("received_at"),
            contacted=Min("first_contacted_at"),
            approved=Count("pk", filter=Q(status__in=APPROVED_LEAD_STATUSES)),
        )
        .values_list("need_id", "received", "contacted", "approved")
        .order_by()
    ):
        matched[need_id] = _local_date(received)
        if contacted_at is not None:
            contacted[need_id] = _local_date(contacted_at)
        if approved_count:
            approved[need_id] = None
    # When a lead was approved is in the audit log (the lead keeps only its current status).
    approvals = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Lead),
            object_id__in=leads.values("pk"),
            to_state=Lead.Status.APPROVED,
        )
        .annotate(
            need_id=Subquery(Lead.objects.filter(pk=OuterRef("object_id")).values("need_id")[:1])
        )
        .values("need_id")
        .annotate(first=Min("created_at"))
        .values_list("need_id", "first")
        .order_by()
    )
    for need_id, at in approvals:
        approved[need_id] = _local_date(at)
    signed: dict[int, tuple[dt.date, Decimal]] = {
        need_id: (first_day, total)
        for need_id, first_day, total in agreements.values("lead__need_id")
        .annotate(first=Min("signed_on"), total=Sum("amount"))
        .values_list("lead__need_id", "first", "total")
        .order_by()
    }
    show_disbursed = Disbursement.objects.exists()
    disbursed: dict[int, tuple[dt.date, Decimal]] = {}
    if show_disbursed:
        disbursed = {
            need_id: (first_day, total)
            for need_id, first_day, total in Disbursement.objects.filter(
                agreement__in=agreements.values("pk")
            )
            .values("agreement__lead__need_id")
            .annotate(first=Min("disbursed_on"), total=Sum("amount"))
            .values_list("agreement__lead__need_id", "first", "total")
            .order_by()
        }

    # Each step counts only needs that passed the steps before it.
    stages = [
        ("submitted", _("Needs submitted"), {k: v[0] for k, v in submitted.items()}),
        ("matched", _("Matched to an institution"), matched),
        ("contacted", _("First contact"), contacted),
        ("approved", _("Approved"), approved),
        ("signed", _("Signed"), {k: v[0] for k, v in signed.items()}),
    ]
    if show_disbursed:
        stages.append(("disbursed", _("Disbursed"), {k: v[0] for k, v in disbursed.items()}))
    days = [d for _k, _l, dates in stages for d in dates.values() if d is not None]
    counter = WorkingDayCounter(min(days), max(days)) if days else None

    steps: list[FunnelStep] = []
    reached = set(submitted)
    previous_dates: dict = {}
    for index, (key, label, dates) in enumerate(stages):
        reached = reached & set(dates) if index else reached
        if key == "signed":
            amount = sum((signed[n][1] for n in reached), ZERO)
        elif key == "disbursed":
            amount = sum((disbursed[n][1] for n in reached), ZERO)
        else:
            amount = sum((submitted[n][1] for n in reached), ZERO)
        step = FunnelStep(key=key, label=label, count=len(reached), amount=amount)
        if steps:
            before = steps[-1].count
            step.conversion = len(reached) / before if before else None
            gaps = [
                counter.between(previous_dates[n], dates[n])
                for n in reached
                if previous_dates.get(n) is not None and dates.get(n) is not None
            ]
            step.median_days = float(statistics.median(gaps)) if gaps else None
        steps.append(step)
        previous_dates = dates
    return steps
