"""The dates a meeting series falls on. Pure date arithmetic plus the working-day calendar."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from core.workdays import add_working_days

# Monthly and quarterly series step this many months.
_MONTH_STEP = {"monthly": 1, "quarterly": 3}


def _add_months(day: dt.date, months: int, *, wanted_day: int) -> dt.date:
    """The ``wanted_day`` of the month ``months`` after ``day``'s, or that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(wanted_day, last))


def first_working_day_of_month(year: int, month: int) -> dt.date:
    # The first working day after the last day of the previous month.
    return add_working_days(dt.date(year, month, 1) - dt.timedelta(days=1), 1)


def series_dates(
    *, rule: str, first_date: dt.date, until: dt.date, interval_weeks: int | None = None
) -> Iterator[dt.date]:
    """Every date the rule gives from ``first_date`` up to ``until`` (both included)."""
    if rule in _MONTH_STEP:
        step, index = _MONTH_STEP[rule], 0
        while (day := _add_months(first_date, step * index, wanted_day=first_date.day)) <= until:
            yield day
            index += 1
    elif rule == "weeks":
        if not interval_weeks or interval_weeks < 1:
            raise ValueError("an every-N-weeks series needs N of at least 1")
        day = first_date
        while day <= until:
            yield day
            day += dt.timedelta(weeks=interval_weeks)
    elif rule == "first_workday":
        year, month = first_date.year, first_date.month
        while True:
            day = first_working_day_of_month(year, month)
            if day > until:
                return
            if day >= first_date:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValueError(f"unknown rule {rule!r}")
