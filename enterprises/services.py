from django.db import transaction
from django.utils import timezone

from .models import NEED_TRANSITIONS, FinancingNeed, FinancingNeedEvent


@transaction.atomic
def financing_need_transition(
    *, need: FinancingNeed, to_status: str, actor=None, message: str = ""
) -> FinancingNeed:
    """Move a need along its checked status map and write the timeline entry.

    The row is locked first, so two concurrent moves cannot both start from the same status.
    Raises ``IllegalTransition`` for a move the map does not allow.
    """
    locked = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    NEED_TRANSITIONS.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == FinancingNeed.Status.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    FinancingNeedEvent.objects.create(
        need=locked, actor=actor, from_status=from_status, to_status=to_status, message=message
    )
    need.status, need.submitted_at = locked.status, locked.submitted_at
    return locked
