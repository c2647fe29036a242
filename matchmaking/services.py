from django.db import transaction

from .models import LEAD_TRANSITIONS, Lead, LeadEvent


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
