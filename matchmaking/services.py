"""Writes for the matching policy."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import outbox
from core.errors import ServiceError

from .models import ScoringPolicy
from .tasks import recompute_all_matches


@transaction.atomic
def scoring_policy_change(*, actor, note: str = "", **values) -> ScoringPolicy:
    """Record new weights or thresholds (a new row; history kept) and recompute every match."""
    current = ScoringPolicy.current()
    data = {
        name: values.get(name, getattr(current, name)) for name in ScoringPolicy.EDITABLE_FIELDS
    }
    if not any(data[name] for name in ScoringPolicy.WEIGHT_FIELDS):
        raise ServiceError(_("At least one weight must be above zero."))
    policy = ScoringPolicy.objects.create(created_by=actor, note=note, **data)

    outbox.enqueue(recompute_all_matches.name)
    return policy
