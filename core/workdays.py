"""Chinese working days: deadlines such as "first contact within 3 working days".

Which days are worked is decided, in order, by the finance office's ``CalendarDay`` table, then by
chinesecalendar for the years it covers, then by the Monday-to-Friday rule. chinesecalendar raises
``NotImplementedError`` for years it has no data for (2027 on, in 1.11); such dates fall through
to the weekday rule until the office enters that year's holidays.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db import transaction

from .models import CalendarDay

# Longest run of non-working days in a Chinese year is 9 (Spring Festival); leave ample margin.
_WINDOW_PADDING_DAYS = 40


def _library_is_workday(day: dt.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
        "date", "is_workday"
    )
    return dict(rows)


def _decide(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    from_library = _library_is_workday(day)
    if from_library is not None:
        return from_library
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    return _decide(day, _overrides(day, day))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start``; ``start`` itself does not count."""
    if count < 1:
        raise ValueError("count must be at least 1")
    window_end = start + dt.timedelta(days=count * 2 + _WINDOW_PADDING_DAYS)
    overrides = _overrides(start, window_end)
    day, found = start, 0
    while found < count:
        day += dt.timedelta(days=1)
        if day > window_end:
            window_end = day + dt.timedelta(days=count * 2 + _WINDOW_PADDING_DAYS)
            overrides |= _overrides(day, window_end)
        if _decide(day, overrides):
            found += 1
    return day


def working_day_counter(first: dt.date, last: dt.date):
    """A function ``days(start, end)``: the working days after ``start`` up to and including
    ``end`` (0 when ``end`` is not after ``start``), for dates within [first, last]. The calendar
    is read once, so many intervals cost one query."""
    overrides = _overrides(first, last)
    ordinals, count, day = {}, 0, first
    while day <= last:
        if _decide(day, overrides):
            count += 1
        ordinals[day] = count
        day += dt.timedelta(days=1)

    def days(start: dt.date, end: dt.date) -> int:
        if end <= start:
            return 0
        return ordinals[end] - ordinals[start]

    return days


def working_day_deadline(received_at: dt.datetime, count: int) -> dt.datetime:
    """End (local time) of the ``count``-th working day after the day ``received_at`` falls on."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local_day = received_at.astimezone(tz).date()
    due_day = add_working_days(local_day, count)
    return dt.datetime.combine(due_day, dt.time.max, tzinfo=tz)


# Holiday names are stored as data, in the official Chinese names the State Council uses.
_CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _chinese_name(english_name: str) -> str:
    return _CHINESE_NAMES.get(english_name, english_name)


def library_years() -> range:
    known = [*chinese_calendar.constants.holidays, *chinese_calendar.constants.workdays]
    return range(min(known).year, max(known).year + 1)


@transaction.atomic
def calendar_sync_from_library(*, years: range | None = None) -> int:
    """Copy chinesecalendar's holidays and make-up workdays into the table.

    Rows entered by hand are left alone; running it again changes nothing. Returns the number of
    rows created or updated.
    """
    years = years or library_years()
    wanted: dict[dt.date, tuple[bool, str]] = {}
    for day, name in chinese_calendar.constants.holidays.items():
        if day.year in years:
            wanted[day] = (False, _chinese_name(name))
    for day, name in chinese_calendar.constants.workdays.items():
        if day.year in years:
            wanted[day] = (True, _chinese_name(name) + "调休上班")
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(date__in=list(wanted)).select_for_update()
    }
    to_create, to_update = [], []
    for day, (workday, name) in wanted.items():
        row = existing.get(day)
        if row is None:
            to_create.append(
                CalendarDay(
                    date=day, is_workday=workday, name=name, source=CalendarDay.Source.LIBRARY
                )
            )
        elif row.source == CalendarDay.Source.LIBRARY and (row.is_workday, row.name) != (
            workday,
            name,
        ):
            row.is_workday, row.name = workday, name
            to_update.append(row)
    CalendarDay.objects.bulk_create(to_create, ignore_conflicts=True, batch_size=500)
    CalendarDay.objects.bulk_update(to_update, ["is_workday", "name"], batch_size=500)
    return len(to_create) + len(to_update)


class WorkingDayCounter:
    """Working days between many pairs of dates with one database read: the calendar of the
    span is decided once and kept as running counts.

    ``between(a, b)`` is the number of working days after ``a`` up to and including ``b`` (0 when
    ``b`` is ``a`` or earlier), the way "answered within N working days" is counted."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, max(first, last)
        overrides = _overrides(self.first, self.last)
        self._running: dict[dt.date, int] = {}
        count, day = 0, self.first
        while day <= self.last:
            if _decide(day, overrides):
                count += 1
            self._running[day] = count
            day += dt.timedelta(days=1)

    def between(self, start: dt.date, end: dt.date) -> int:
        if end <= start:
            return 0
        if start < self.first or end > self.last:
            raise ValueError("date outside the counted span")
        return self._running[end] - self._running[start]
