"""Background matching. Each task takes ids and calls the engine; each is safe to run twice (and
concurrently): matches are upserted under need locks, leads are unique per need and institution."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from core import outbox

from . import engine

# A need changed this recently may still have its rescore in flight: the sweep leaves it be.
STALE_SWEEP_GRACE = timedelta(minutes=5)
# Rescores queued per sweep run; the next run (beat, every few minutes) takes the rest.
STALE_SWEEP_BATCH = 500


@shared_task(name="matchmaking.tasks.rescore_need", acks_late=True)
def rescore_need(need_id: int) -> int:
    return engine.rescore_need(need_id).matches


@shared_task(name="matchmaking.tasks.rescore_product", acks_late=True)
def rescore_product(product_id: int) -> int:
    return engine.rescore_product(product_id).matches


@shared_task(
    name="matchmaking.tasks.recompute_all_matches",
    acks_late=True,
    soft_time_limit=3000,
    time_limit=3300,
)
def recompute_all_matches() -> int:
    return engine.recompute_all().matches


@shared_task(name="matchmaking.tasks.rescore_stale_needs", acks_late=True)
def rescore_stale_needs() -> int:
    """Repair lost rescores: queue one for every open need changed since it was last scored."""
    need_ids = engine.stale_open_need_ids(
        changed_before=timezone.now() - STALE_SWEEP_GRACE, limit=STALE_SWEEP_BATCH
    )
    for need_id in need_ids:
        outbox.enqueue(rescore_need.name, need_id)
    return len(need_ids)
