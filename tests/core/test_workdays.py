import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.models import CalendarDay
from core.workdays import (
    add_working_days,
    calendar_sync_from_library,
    is_workday,
    working_day_deadline,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_national_day_holiday_is_skipped():
    # 2026-10-01..07 are the National Day holiday: the next working day after 30 Sept is 8 Oct.
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)


def test_saturday_make_up_workday_counts():
    # Saturday 2026-10-10 is a make-up working day (调休上班).
    assert is_workday(dt.date(2026, 10, 10))
    assert not is_workday(dt.date(2026, 10, 11))
    assert add_working_days(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)


def test_the_start_day_itself_does_not_count():
    # Monday 2026-11-23 → first working day after is Tuesday.
    assert add_working_days(dt.date(2026, 11, 23), 1) == dt.date(2026, 11, 24)


def test_deadline_is_end_of_the_nth_working_day_in_shanghai():
    received = dt.datetime(2026, 9, 29, 15, 0, tzinfo=SHANGHAI)
    due = working_day_deadline(received, 3)
    # 30 Sept (1), 8 Oct (2), 9 Oct (3)
    assert due.astimezone(SHANGHAI).date() == dt.date(2026, 10, 9)
    assert due.astimezone(SHANGHAI).time() == dt.time.max


def test_deadline_uses_the_local_day_not_utc():
    # 23:30 UTC on 29 Sept is already 30 Sept in Shanghai.
    received = dt.datetime(2026, 9, 29, 23, 30, tzinfo=dt.UTC)
    due = working_day_deadline(received, 1)
    assert due.astimezone(SHANGHAI).date() == dt.date(2026, 10, 8)


def test_a_2027_date_falls_back_to_weekdays_without_error():
    # chinesecalendar 1.11 has no 2027 data; Friday 5 March 2027 → Monday 8 March.
    assert add_working_days(dt.date(2027, 3, 5), 1) == dt.date(2027, 3, 8)
    assert is_workday(dt.date(2027, 6, 1))
    assert not is_workday(dt.date(2027, 6, 5))


def test_holidays_entered_by_the_office_apply_to_uncovered_years():
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_the_office_table_overrides_the_library():
    CalendarDay.objects.create(date=dt.date(2026, 10, 12), is_workday=False, name="临时调整")
    assert add_working_days(dt.date(2026, 10, 11), 1) == dt.date(2026, 10, 13)


def test_library_sync_is_idempotent_and_keeps_manual_rows():
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_workday=False, name="手工改为休息")
    created = calendar_sync_from_library()
    assert created > 0
    assert calendar_sync_from_library() == 0
    manual = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    assert manual.is_workday is False and manual.source == CalendarDay.Source.MANUAL
    national_day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    assert national_day.name == "国庆节" and national_day.is_workday is False


def test_long_spans_keep_counting_past_the_loaded_window():
    # 250 working days from 2026-01-01 lands in 2027, beyond the library's data.
    day = add_working_days(dt.date(2026, 1, 1), 250)
    assert day.year == 2027
