"""Writes for leads, agreements, meetings and the matching policy. Every door calls these."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import ServiceError

from .models import ACTIVE_LEAD_STATUSES, LEAD_TRANSITIONS, Lead, LeadEvent, ScoringPolicy

MatchmakingError = ServiceError


@transaction.atomic
def lead_transition(*, lead: Lead, to_status: str, actor=None, note: str = "") -> Lead:
    """Move a lead along its checked status map and record the step (append-only)."""
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    LEAD_TRANSITIONS.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    LeadEvent.objects.create(
        lead=locked, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    lead.status = locked.status
    return locked


@transaction.atomic
def leads_close_for_need(*, need, actor=None, note: str = "", institution=None) -> int:
    """Close the active leads on a need (all, or one institution's): the need left their hands."""
    leads = Lead.objects.filter(need=need, status__in=ACTIVE_LEAD_STATUSES)
    if institution is not None:
        leads = leads.filter(institution=institution)
    closed = 0
    for lead in leads.select_for_update():
        lead_transition(lead=lead, to_status=Lead.Status.CLOSED, actor=actor, note=note)
        closed += 1
    return closed


@transaction.atomic
def scoring_policy_change(*, actor, note: str = "", **values) -> ScoringPolicy:
    """Record new weights or thresholds (a new row; history kept) and recompute every match."""
    current = ScoringPolicy.current()
    fields = [
        "weight_amount",
        "weight_term",
        "weight_rate",
        "weight_policy",
        "weight_speed",
        "weight_response",
        "min_score",
        "top_k",
    ]
    data = {name: values.get(name, getattr(current, name)) for name in fields}
    if not any(data[name] for name in fields if name.startswith("weight_")):
        raise MatchmakingError(_("At least one weight must be above zero."))
    policy = ScoringPolicy.objects.create(created_by=actor, note=note, **data)
    from .tasks import recompute_all_matches

    transaction.on_commit(recompute_all_matches.delay)
    return policy
