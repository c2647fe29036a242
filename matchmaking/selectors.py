from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from enterprises.models import FinancingNeed

from .models import LoanAgreement, Meeting


def signed_totals() -> dict:
    totals = LoanAgreement.objects.aggregate(amount=Sum("amount"), count=Count("id"))
    return {"amount": totals["amount"] or Decimal("0.00"), "count": totals["count"]}


def needs_by_status() -> dict[str, int]:
    rows = FinancingNeed.objects.values_list("status").annotate(n=Count("id"))
    return dict(rows)


def meeting_signed_total(*, meeting: Meeting) -> Decimal:
    return meeting.agreements.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def upcoming_meetings(*, limit: int = 5):
    return Meeting.objects.filter(
        starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:limit]


def past_meetings_with_totals(*, limit: int = 5):
    return (
        Meeting.objects.filter(status=Meeting.Status.HELD)
        .annotate(signed_amount=Sum("agreements__amount"), signed_count=Count("agreements"))
        .order_by("-starts_at")[:limit]
    )


# --- Matches and their explanations -------------------------------------------------------------


def need_matches_explained(*, need, limit: int | None = None):
    """Stored matches of a need, best first, each with its per-criterion explanation."""
    from .facts import need_facts, product_facts, weights_current
    from .models import Match
    from .rules import explain_pair

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
    import dataclasses

    import numpy as np

    from .engine import live_product_arrays, score_block
    from .facts import need_facts, weights_current
    from .rules import explain_pair

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
    from banks.models import LoanProduct

    by_id = LoanProduct.objects.select_related("institution").in_bulk([p.id for p, _r in results])
    return [(by_id[p.id], r) for p, r in results[:limit]]


# --- Leads ----------------------------------------------------------------------------------------


def overdue_leads_q(now=None):
    """Leads whose first contact is late: not yet contacted after the deadline."""
    from django.db.models import Q

    from .models import Lead

    now = now or timezone.now()
    return Q(
        first_contacted_at__isnull=True,
        status__in=[Lead.Status.NEW, Lead.Status.CLAIMED],
        contact_due_at__lt=now,
    )


def overdue_leads_by_institution(*, now=None):
    """[(institution, [lead, ...]), ...] for every institution with overdue leads."""
    from itertools import groupby

    from .models import Lead

    leads = (
        Lead.objects.filter(overdue_leads_q(now))
        .select_related("institution", "need__enterprise")
        .order_by("institution_id", "contact_due_at")
    )
    return [
        (institution, list(group))
        for institution, group in groupby(leads, key=lambda lead: lead.institution)
    ]


def lead_explanation(*, lead):
    """The per-criterion explanation of the lead's best product for its need."""
    from .facts import need_facts, product_facts, weights_current
    from .rules import explain_pair

    if lead.product_id is None:
        return None
    needs = need_facts([lead.need_id])
    products = product_facts([lead.product_id], live_only=False)
    if not needs or not products:
        return None
    return explain_pair(needs[0], products[0], weights_current())
