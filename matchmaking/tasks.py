"""Background work. Each task takes ids, loads what it needs and calls one service; each is safe
to run twice (and concurrently): matches are upserted under row locks, leads are unique per need
and institution."""

from celery import shared_task

from . import engine
from .workdays import calendar_sync_from_library


@shared_task(name="matchmaking.tasks.sync_working_day_calendar")
def sync_working_day_calendar() -> int:
    """Keep the holiday table filled from chinesecalendar; safe to run any number of times."""
    return calendar_sync_from_library()


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


@shared_task(name="matchmaking.tasks.send_overdue_reminders")
def send_overdue_reminders() -> dict:
    """Daily: overdue leads to institution admins and a digest to the finance office."""
    from .services import overdue_reminders_send

    return overdue_reminders_send()


@shared_task(name="matchmaking.tasks.refresh_response_rates")
def refresh_response_rates() -> int:
    """Hourly: each institution's on-time first-contact rate, a matching factor."""
    from .facts import institution_response_rates_refresh

    return institution_response_rates_refresh()
