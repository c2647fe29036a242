"""The dates a series falls on, against calendars written out by hand."""

import datetime as dt

import pytest

from core.models import CalendarDay
from meetings.recurrence import series_dates

pytestmark = pytest.mark.django_db

D = dt.date


def _dates(**kwargs):
    return list(series_dates(**kwargs))


def test_first_working_day_of_each_month_of_2026_follows_the_holiday_arrangement():
    # The State Council's 2026 arrangement: 元旦 1–3 January off with Sunday 4 January worked;
    # 劳动节 1–5 May off; 国庆节 1–7 October off. Other months start on their first weekday.
    expected = [
        D(2026, 1, 4),  # Sunday, a make-up working day
        D(2026, 2, 2),
        D(2026, 3, 2),
        D(2026, 4, 1),
        D(2026, 5, 6),
        D(2026, 6, 1),
        D(2026, 7, 1),
        D(2026, 8, 3),
        D(2026, 9, 1),
        D(2026, 10, 8),
        D(2026, 11, 2),
        D(2026, 12, 1),
    ]
    assert _dates(rule="first_workday", first_date=D(2026, 1, 1), until=D(2026, 12, 31)) == expected


def test_first_working_day_reads_the_offices_own_calendar_first():
    # 2031 is beyond the library: the office entered its Spring Festival by hand.
    CalendarDay.objects.create(date=D(2031, 1, 1), is_workday=False, name="元旦")
    CalendarDay.objects.create(date=D(2031, 2, 3), is_workday=False, name="春节")
    CalendarDay.objects.create(date=D(2031, 2, 4), is_workday=False, name="春节")
    assert _dates(rule="first_workday", first_date=D(2031, 1, 1), until=D(2031, 3, 31)) == [
        D(2031, 1, 2),  # 1 January (Wednesday) is 元旦
        D(2031, 2, 5),  # 1–2 February weekend, 3–4 February holiday
        D(2031, 3, 3),  # 1–2 March weekend
    ]


def test_a_first_date_after_the_months_first_working_day_starts_next_month():
    assert _dates(rule="first_workday", first_date=D(2026, 3, 10), until=D(2026, 5, 31)) == [
        D(2026, 4, 1),
        D(2026, 5, 6),
    ]


def test_monthly_keeps_the_day_and_falls_back_to_the_months_last_day():
    assert _dates(rule="monthly", first_date=D(2026, 1, 31), until=D(2026, 5, 31)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
    ]


def test_quarterly_steps_three_months_across_the_year_end():
    assert _dates(rule="quarterly", first_date=D(2026, 8, 20), until=D(2027, 8, 20)) == [
        D(2026, 8, 20),
        D(2026, 11, 20),
        D(2027, 2, 20),
        D(2027, 5, 20),
        D(2027, 8, 20),
    ]


def test_every_n_weeks():
    assert _dates(
        rule="weeks", first_date=D(2026, 12, 3), until=D(2027, 1, 31), interval_weeks=3
    ) == [D(2026, 12, 3), D(2026, 12, 24), D(2027, 1, 14)]
