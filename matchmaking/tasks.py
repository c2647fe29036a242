"""Background matching. Each task takes ids and calls the engine; each is safe to run twice (and
concurrently): matches are upserted under need locks, leads are unique per need and institution."""

from celery import shared_task

from . import engine


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
