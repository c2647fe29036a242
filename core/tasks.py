from celery import shared_task

from . import outbox
from .workdays import calendar_sync_from_library


@shared_task(name="core.tasks.sync_working_day_calendar")
def sync_working_day_calendar() -> int:
    """Keep the holiday table filled from chinesecalendar; safe to run any number of times."""
    return calendar_sync_from_library()


@shared_task(name="core.tasks.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Publish the outbox rows the broker could not take when their change committed."""
    return outbox.relay_pending()
