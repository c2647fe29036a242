"""Reads for the finance office's lists: unserved needs, the institution league table, and the
office-wide lists of enterprises, needs, leads and agreements. Each page costs a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from banks.models import Institution, LoanProduct
from core.text import join_labels
from core.workdays import working_day_counter
from enterprises.models import OPEN_NEED_STATUSES, Enterprise, FinancingNeed
from leads.models import ACTIVE_LEAD_STATUSES, Lead, LoanAgreement, overdue_leads_q
from leads.selectors import counted_agreements
from matchmaking.models import Match
from matchmaking.rules import RULE_NAMES
from matchmaking.selectors import near_miss_rules_cached

from .models import LeagueShareLink

# --- Unserved needs -----------------------------------------------------------------------------


class Unserved:
    """Why a need counts as unserved."""

    OVERDUE = "overdue"  # leads given, but nobody made first contact by the deadline
    DECLINED = "declined"  # every institution that had it declined
    NO_MATCH = "no_match"  # matching ran and found no product


def unserved_needs(*, now=None, reason: str = "") -> QuerySet[FinancingNeed]:
    """Needs nobody serves, oldest first, each annotated with ``unserved`` (an ``Unserved`` code).

    - overdue: open, at least one lead past its first-contact deadline, and no lead contacted;
    - declined: every institution declined (the need's status says so, or it is open with
      declined leads and none active);
    - no match: open, scored by the engine, and without a match or a lead.
    """
    now = now or timezone.now()
    leads = Lead.objects.filter(need=OuterRef("pk"))
    overdue = (
        Q(status__in=OPEN_NEED_STATUSES)
        & Exists(leads.filter(overdue_leads_q(now)))
        & ~Exists(leads.filter(first_contacted_at__isnull=False))
    )
    declined = Q(status=FinancingNeed.Status.ALL_DECLINED) | (
        Q(status__in=OPEN_NEED_STATUSES)
        & Exists(leads.filter(status=Lead.Status.DECLINED))
        & ~Exists(leads.filter(status__in=ACTIVE_LEAD_STATUSES))
    )
    no_match = (
        Q(status__in=OPEN_NEED_STATUSES, matched_at__isnull=False)
        & ~Exists(Match.objects.filter(need=OuterRef("pk")))
        & ~Exists(leads)
    )
    conditions = {
        Unserved.OVERDUE: overdue,
        Unserved.DECLINED: declined,
        Unserved.NO_MATCH: no_match,
    }
    qs = FinancingNeed.objects.filter(
        enterprise__verification_status=Enterprise.VerificationStatus.VERIFIED
    ).annotate(
        unserved=Case(
            *(When(condition, then=Value(code)) for code, condition in conditions.items()),
            default=Value(""),
            output_field=CharField(),
        )
    )
    qs = qs.exclude(unserved="")
    if reason:
        qs = qs.filter(unserved=reason)
    return qs.select_related("enterprise", "project").order_by("submitted_at", "id")


@dataclass
class UnservedRow:
    need: FinancingNeed
    reason: str
    waited_days: int
    details: list[str] = field(default_factory=list)


def unserved_rows(needs, *, today=None) -> list[UnservedRow]:
    """The page's rows: how many working days each need has waited since it was submitted and,
    per reason, the details (institutions overdue, decline reasons, or the rules it fails alone)."""
    needs = list(needs)
    if not needs:
        return []
    today = today or timezone.localdate()
    starts = [timezone.localdate(n.submitted_at) for n in needs if n.submitted_at]
    days = working_day_counter(min([*starts, today]), today)
    ids = [n.pk for n in needs]
    overdue_names, decline_reasons = defaultdict(list), defaultdict(Counter)
    labels = dict(Lead.DeclineReason.choices)
    for need_id, name, status, reason, late in (
        Lead.objects.filter(need_id__in=ids)
        .annotate(late=ExpressionWrapper(overdue_leads_q(), output_field=BooleanField()))
        .values_list("need_id", "institution__short_name", "status", "decline_reason", "late")
        .order_by("need_id", "institution__short_name")
    ):
        if late:
            overdue_names[need_id].append(name)
        if status == Lead.Status.DECLINED:
            decline_reasons[need_id][str(labels.get(reason, reason))] += 1
    misses = near_miss_rules_cached(
        needs=[(n.pk, n.updated_at, n.matched_at) for n in needs if n.unserved == Unserved.NO_MATCH]
    )
    rows = []
    for need in needs:
        if need.unserved == Unserved.OVERDUE:
            details = overdue_names[need.pk]
        elif need.unserved == Unserved.DECLINED:
            details = [f"{r} ×{n}" for r, n in decline_reasons[need.pk].most_common()]
        else:
            details = [str(RULE_NAMES[code]) for code in sorted(misses.get(need.pk, ()))]
        waited = days(timezone.localdate(need.submitted_at), today) if need.submitted_at else 0
        rows.append(
            UnservedRow(need=need, reason=need.unserved, waited_days=waited, details=details)
        )
    return rows


@dataclass
class UnservedSummary:
    by_reason: dict[str, int]
    # "12 needs failed only on term": needs without a match whose single failing rule (against at
    # least one published product) is this one.
    only_on: list[tuple[str, int]]
    no_near_miss: int


def unserved_summary(*, now=None) -> UnservedSummary:
    counts = dict(
        unserved_needs(now=now).order_by().values_list("unserved").annotate(n=Count("id"))
    )
    misses = near_miss_rules_cached(
        needs=unserved_needs(now=now, reason=Unserved.NO_MATCH).values_list(
            "pk", "updated_at", "matched_at"
        )
    )
    only = Counter(code for codes in misses.values() for code in codes)
    return UnservedSummary(
        by_reason={
            code: counts.get(code, 0)
            for code in (Unserved.OVERDUE, Unserved.DECLINED, Unserved.NO_MATCH)
        },
        only_on=[(str(RULE_NAMES[code]), n) for code, n in only.most_common()],
        no_near_miss=sum(1 for codes in misses.values() if not codes),
    )


def unserved_need_by_id(*, pk: int) -> FinancingNeed:
    return get_object_or_404(unserved_needs(), pk=pk)


def institutions_to_push(*, need: FinancingNeed) -> QuerySet[Institution]:
    """Active institutions the need may still go to: the enterprise allows them, has not taken
    their access away, and they hold no lead on it."""
    qs = Institution.objects.filter(is_active=True).exclude(
        pk__in=Lead.objects.filter(need=need).values("institution_id")
    )
    qs = qs.exclude(pk__in=need.revocations.values("institution_id"))
    if need.visibility == FinancingNeed.Visibility.CHOSEN:
        qs = qs.filter(pk__in=need.allowed_institutions.values("pk"))
    return qs.order_by("name")


# --- The institution league table ---------------------------------------------------------------


@dataclass
class LeagueRow:
    institution: Institution
    received: int = 0
    due: int = 0  # leads whose deadline passed or that were contacted
    on_time: int = 0
    signed_leads: int = 0
    median_days: float | None = None
    signed_amount: Decimal = Decimal("0.00")
    signed_count: int = 0
    products: int = 0
    declines: list[tuple[str, int]] = field(default_factory=list)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def conversion(self) -> float | None:
        return self.signed_leads / self.received if self.received else None

    @property
    def on_time_percent(self) -> Decimal | None:
        share = self.on_time_share
        return None if share is None else Decimal(share * 100)

    @property
    def conversion_percent(self) -> Decimal | None:
        share = self.conversion
        return None if share is None else Decimal(share * 100)

    @property
    def declines_text(self) -> str:
        return join_labels(f"{label} {n}" for label, n in self.declines)


def _period_q(prefix: str, date_from, date_to, *, is_date=False) -> Q:
    q = Q()
    lookup = prefix if is_date else f"{prefix}__date"
    if date_from:
        q &= Q(**{f"{lookup}__gte": date_from})
    if date_to:
        q &= Q(**{f"{lookup}__lte": date_to})
    return q


def weighted_median(counts: Counter) -> float | None:
    """The median of a multiset given as {value: how many times} (``statistics.median`` of the
    values repeated), without building the list."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle position(s), 0-based
    found, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return float((found[0] + found[1]) / 2)


def institution_league(*, date_from=None, date_to=None, now=None) -> list[LeagueRow]:
    """Per active institution, for leads received and agreements signed in the period: leads
    received, the share first contacted within the deadline (of those due), the median working
    days to first contact, conversion to signed, the amount signed, decline reasons and products
    published. Best signed amount first. Six queries."""
    now = now or timezone.now()
    rows = {
        i.pk: LeagueRow(institution=i)
        for i in Institution.objects.filter(is_active=True).order_by("name")
    }
    leads = Lead.objects.filter(
        _period_q("received_at", date_from, date_to), institution_id__in=list(rows)
    )
    for pk, received, due, on_time, signed in (
        leads.values("institution_id")
        .annotate(
            received=Count("id"),
            due=Count("id", filter=Q(first_contacted_at__isnull=False) | Q(contact_due_at__lt=now)),
            on_time=Count(
                "id",
                filter=Q(first_contacted_at__isnull=False)
                & Q(first_contacted_at__lte=F("contact_due_at")),
            ),
            signed=Count("id", filter=Q(status=Lead.Status.SIGNED)),
        )
        .values_list("institution_id", "received", "due", "on_time", "signed")
    ):
        row = rows[pk]
        row.received, row.due, row.on_time, row.signed_leads = received, due, on_time, signed
    # Leads counted per institution and (received day, contact day), not fetched one by one: a
    # district's history has far fewer distinct day pairs than leads.
    contacted = list(
        leads.filter(first_contacted_at__isnull=False)
        .annotate(
            received_day=TruncDate("received_at"), contacted_day=TruncDate("first_contacted_at")
        )
        .values("institution_id", "received_day", "contacted_day")
        .annotate(n=Count("id"))
        .values_list("institution_id", "received_day", "contacted_day", "n")
        .order_by()
    )
    if contacted:
        first = min(r for _i, r, _c, _n in contacted)
        last = max(c for _i, _r, c, _n in contacted)
        days = working_day_counter(min(first, last), max(first, last))
        spans = defaultdict(Counter)
        for pk, received_day, contacted_day, n in contacted:
            spans[pk][days(received_day, contacted_day)] += n
        for pk, counts in spans.items():
            rows[pk].median_days = weighted_median(counts)
    labels = dict(Lead.DeclineReason.choices)
    for pk, reason, n in (
        leads.filter(status=Lead.Status.DECLINED)
        .values("institution_id", "decline_reason")
        .annotate(n=Count("id"))
        .order_by("institution_id", "-n", "decline_reason")
        .values_list("institution_id", "decline_reason", "n")
    ):
        rows[pk].declines.append((str(labels.get(reason, reason or "—")), n))
    for pk, amount, count in (
        counted_agreements()
        .filter(
            _period_q("signed_on", date_from, date_to, is_date=True), institution_id__in=list(rows)
        )
        .values("institution_id")
        .annotate(amount=Sum("amount"), count=Count("id"))
        .values_list("institution_id", "amount", "count")
    ):
        rows[pk].signed_amount, rows[pk].signed_count = amount, count
    for pk, n in (
        LoanProduct.objects.filter(
            status=LoanProduct.Status.PUBLISHED, institution_id__in=list(rows)
        )
        .values("institution_id")
        .annotate(n=Count("id"))
        .values_list("institution_id", "n")
    ):
        rows[pk].products = n
    return sorted(rows.values(), key=lambda r: (-r.signed_amount, -r.received, r.institution.name))


def live_share_link(*, token: str) -> LeagueShareLink:
    """The link behind a token, or 404 when it is unknown, expired or revoked."""
    return get_object_or_404(
        LeagueShareLink,
        token=token,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def share_links() -> QuerySet[LeagueShareLink]:
    return LeagueShareLink.objects.select_related("created_by").order_by("-created_at", "-id")


def share_link_by_id(*, pk: int) -> LeagueShareLink:
    return get_object_or_404(LeagueShareLink, pk=pk)


# --- Office-wide lists --------------------------------------------------------------------------


def office_enterprises() -> QuerySet[Enterprise]:
    return (
        Enterprise.objects.select_related("chain__cluster")
        .annotate(need_count=Count("needs", distinct=True))
        .order_by("name", "id")
    )


def office_needs() -> QuerySet[FinancingNeed]:
    return (
        FinancingNeed.objects.exclude(status=FinancingNeed.Status.DRAFT)
        .select_related("enterprise__chain", "project")
        .order_by("-submitted_at", "-id")
    )


def office_need(*, pk: int) -> FinancingNeed:
    return get_object_or_404(office_needs(), pk=pk)


def office_leads() -> QuerySet[Lead]:
    return Lead.objects.select_related(
        "need__enterprise", "institution", "product", "assigned_to__user"
    ).order_by("-received_at", "-id")


def office_lead(*, pk: int) -> Lead:
    return get_object_or_404(office_leads(), pk=pk)


def office_agreements() -> QuerySet[LoanAgreement]:
    return LoanAgreement.objects.select_related(
        "lead__need__enterprise", "institution", "meeting"
    ).order_by("-signed_on", "-id")


def leads_of_need(*, need: FinancingNeed) -> QuerySet[Lead]:
    return need.leads.select_related("institution", "product", "assigned_to__user").order_by(
        "-score", "id"
    )
