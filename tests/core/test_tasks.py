"""A task round-trip through a real Celery worker: Redis in CI, the file-system broker otherwise."""

import datetime as dt

from django.conf import settings

from config.celery import app
from core.models import CalendarDay
from core.tasks import sync_working_day_calendar


def test_calendar_sync_runs_on_a_real_worker(celery_worker):
    result = sync_working_day_calendar.delay()
    created = result.get(timeout=60)
    assert created > 0
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).is_workday is False
    # Safe to run twice: the second run finds nothing to do.
    assert sync_working_day_calendar.delay().get(timeout=60) == 0


def test_the_calendar_sync_is_scheduled_in_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.sync_working_day_calendar" in tasks
    assert "core.tasks.sync_working_day_calendar" in app.tasks
