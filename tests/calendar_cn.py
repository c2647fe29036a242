"""The 2026 Chinese working-day calendar, written out by hand from the State Council's notice
(国务院办公厅关于2026年部分节假日安排的通知), and a day counter that uses only this table.

Tests compare the portal's working days with this, never with chinesecalendar or core.workdays.
Years without a table here fall back to Monday-Friday, as the portal does until the finance office
enters them.
"""

import datetime as dt


def _days(year, month, first, last):
    return {dt.date(year, month, day) for day in range(first, last + 1)}


HOLIDAYS_2026 = (
    _days(2026, 1, 1, 3)  # 元旦
    | _days(2026, 2, 15, 23)  # 春节
    | _days(2026, 4, 4, 6)  # 清明节
    | _days(2026, 5, 1, 5)  # 劳动节
    | _days(2026, 6, 19, 21)  # 端午节
    | _days(2026, 9, 25, 27)  # 中秋节
    | _days(2026, 10, 1, 7)  # 国庆节
)
# Weekend days worked instead (调休上班).
MAKE_UP_WORKDAYS_2026 = {
    dt.date(2026, 1, 4),
    dt.date(2026, 2, 14),
    dt.date(2026, 2, 28),
    dt.date(2026, 5, 9),
    dt.date(2026, 9, 20),
    dt.date(2026, 10, 10),
}


def worked(day: dt.date, office: dict | None = None) -> bool:
    """Whether ``day`` is worked: the office's own entries first, then the table, then Mon-Fri."""
    if office and day in office:
        return office[day]
    if day in HOLIDAYS_2026:
        return False
    if day in MAKE_UP_WORKDAYS_2026:
        return True
    return day.weekday() < 5


def nth_working_day_after(start: dt.date, count: int, office: dict | None = None) -> dt.date:
    day = start
    while count:
        day += dt.timedelta(days=1)
        count -= worked(day, office)
    return day
