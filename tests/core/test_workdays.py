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
from tests.calendar_cn import HOLIDAYS_2026, MAKE_UP_WORKDAYS_2026, nth_working_day_after, worked

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
    # 2026 has 248 working days, so 249 from 1 January is the first working day of 2027, beyond
    # the library's data: Monday 4 January once the office enters 元旦.
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert sum(worked(dt.date(2026, 1, 1) + dt.timedelta(days=n)) for n in range(365)) == 248
    assert add_working_days(dt.date(2026, 1, 1), 248) == dt.date(2026, 12, 31)
    assert add_working_days(dt.date(2026, 1, 1), 249) == dt.date(2027, 1, 4)
    assert add_working_days(dt.date(2026, 1, 1), 250) == dt.date(2027, 1, 5)


def test_office_holidays_beyond_the_first_window_are_read_too():
    # A closure longer than the window loaded at first (2 × count + 40 days): every entered day
    # must still count, so the first working day after Friday 29 January 2027 is 16 April.
    closure = [dt.date(2027, 2, 1) + dt.timedelta(days=n) for n in range(74)]  # to 15 April
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=day, is_workday=False, name="停工") for day in closure]
    )
    assert add_working_days(dt.date(2027, 1, 29), 1) == dt.date(2027, 4, 16)
    assert add_working_days(dt.date(2027, 1, 29), 2) == dt.date(2027, 4, 19)


def test_every_day_of_2026_follows_the_state_council_table():
    day = dt.date(2026, 1, 1)
    wrong = []
    while day.year == 2026:
        if is_workday(day) != worked(day):
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []


# Start days around each holiday and make-up day, counted with the hand-written table.
STARTS = sorted(
    {d + dt.timedelta(days=k) for d in HOLIDAYS_2026 | MAKE_UP_WORKDAYS_2026 for k in (-3, -1, 0)}
)


@pytest.mark.parametrize("count", [1, 3, 5, 10])
def test_counting_working_days_agrees_with_the_table(count):
    got = {start: add_working_days(start, count) for start in STARTS}
    assert got == {start: nth_working_day_after(start, count) for start in STARTS}


@pytest.mark.parametrize("count", [0, -1])
def test_a_count_below_one_is_refused(count):
    with pytest.raises(ValueError, match=r"^count must be at least 1$"):
        add_working_days(dt.date(2026, 3, 2), count)


def test_the_deadline_is_the_last_instant_of_the_local_day():
    received = dt.datetime(2026, 2, 13, 9, 0, tzinfo=SHANGHAI)  # Friday before 春节
    due = working_day_deadline(received, 2)
    # Saturday 14 Feb is worked (1), then 15-23 Feb are off, Tuesday 24 Feb (2).
    assert due == dt.datetime(2026, 2, 24, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_the_library_rows_of_2026_are_the_state_council_table():
    calendar_sync_from_library()
    rows = CalendarDay.objects.filter(date__year=2026)
    assert set(rows.filter(is_workday=False).values_list("date", flat=True)) == HOLIDAYS_2026
    assert set(rows.filter(is_workday=True).values_list("date", flat=True)) == (
        MAKE_UP_WORKDAYS_2026
    )
    assert set(rows.values_list("source", flat=True)) == {CalendarDay.Source.LIBRARY}
    assert rows.get(date=dt.date(2026, 2, 14)).name == "春节调休上班"
    assert rows.get(date=dt.date(2026, 5, 1)).name == "劳动节"


def test_a_holiday_the_names_table_does_not_know_keeps_its_own_name():
    from core.workdays import _chinese_name

    assert _chinese_name("National Day") == "国庆节"
    assert _chinese_name("Some New Holiday") == "Some New Holiday"


# Running counts over 24 Sept - 12 Oct 2026, written out from the State Council table:
# Thu 24 Sept worked; 25-27 Sept 中秋节; 28-30 Sept worked; 1-7 Oct 国庆节; 8, 9 Oct worked;
# Saturday 10 Oct worked (调休); Sunday 11 Oct off; Monday 12 Oct worked.
SPAN_FIRST, SPAN_LAST = dt.date(2026, 9, 24), dt.date(2026, 10, 12)
BETWEEN_2026_AUTUMN = [
    # (start, end, working days after start up to and including end)
    (dt.date(2026, 9, 24), dt.date(2026, 10, 12), 7),
    (dt.date(2026, 9, 24), dt.date(2026, 9, 28), 1),
    (dt.date(2026, 9, 25), dt.date(2026, 9, 27), 0),
    (dt.date(2026, 9, 30), dt.date(2026, 10, 8), 1),
    (dt.date(2026, 9, 28), dt.date(2026, 10, 10), 5),
    (dt.date(2026, 10, 10), dt.date(2026, 10, 11), 0),
    (dt.date(2026, 10, 11), dt.date(2026, 10, 12), 1),
    (dt.date(2026, 9, 24), dt.date(2026, 9, 24), 0),
    (dt.date(2026, 10, 12), dt.date(2026, 9, 24), 0),
    (dt.date(2026, 10, 9), dt.date(2026, 10, 8), 0),
]


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN_2026_AUTUMN)
def test_working_day_counter_agrees_with_the_hand_table(start, end, expected):
    from core.workdays import working_day_counter

    assert working_day_counter(SPAN_FIRST, SPAN_LAST)(start, end) == expected


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN_2026_AUTUMN)
def test_working_day_counter_class_agrees_with_the_hand_table(start, end, expected):
    from core.workdays import WorkingDayCounter

    assert WorkingDayCounter(SPAN_FIRST, SPAN_LAST).between(start, end) == expected


def test_both_counters_read_the_office_table():
    from core.workdays import WorkingDayCounter, working_day_counter

    CalendarDay.objects.create(date=dt.date(2026, 10, 12), is_workday=False, name="临时调整")
    CalendarDay.objects.create(date=dt.date(2026, 10, 11), is_workday=True, name="临时上班")
    # 11 Oct now worked, 12 Oct not: after 10 Oct up to 12 Oct is one working day (11 Oct).
    assert working_day_counter(SPAN_FIRST, SPAN_LAST)(dt.date(2026, 10, 10), SPAN_LAST) == 1
    assert WorkingDayCounter(SPAN_FIRST, SPAN_LAST).between(dt.date(2026, 10, 11), SPAN_LAST) == 0
    assert WorkingDayCounter(SPAN_FIRST, SPAN_LAST).between(SPAN_FIRST, SPAN_LAST) == 7


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (SPAN_FIRST - dt.timedelta(days=1), dt.date(2026, 10, 1)),
        (dt.date(2026, 10, 1), SPAN_LAST + dt.timedelta(days=1)),
    ],
)
def test_the_counter_refuses_dates_outside_its_span(start, end):
    from core.workdays import WorkingDayCounter

    with pytest.raises(ValueError, match=r"^date outside the counted span$"):
        WorkingDayCounter(SPAN_FIRST, SPAN_LAST).between(start, end)


def test_a_reversed_span_counts_only_its_first_day():
    from core.workdays import WorkingDayCounter

    counter = WorkingDayCounter(SPAN_LAST, SPAN_FIRST)
    assert (counter.first, counter.last) == (SPAN_LAST, SPAN_LAST)
    assert counter.between(SPAN_LAST, SPAN_LAST) == 0


def test_the_library_covers_2004_to_2026():
    # chinesecalendar 1.11 (pinned) holds the State Council tables of 2004 to 2026.
    from core.workdays import library_years

    assert library_years() == range(2004, 2027)


def test_syncing_one_year_copies_that_year_only():
    # 2026: 33 holidays and 6 make-up workdays in the hand-written table.
    assert (len(HOLIDAYS_2026), len(MAKE_UP_WORKDAYS_2026)) == (33, 6)
    assert calendar_sync_from_library(years=range(2026, 2027)) == 39
    assert CalendarDay.objects.count() == 39
    assert not CalendarDay.objects.exclude(date__year=2026).exists()


def test_syncing_corrects_stale_library_rows_and_counts_them():
    library = CalendarDay.Source.LIBRARY
    CalendarDay.objects.create(
        date=dt.date(2026, 10, 1), is_workday=True, name="错", source=library
    )
    CalendarDay.objects.create(
        date=dt.date(2026, 10, 2), is_workday=False, name="国庆节", source=library
    )
    CalendarDay.objects.create(
        date=dt.date(2026, 10, 4), is_workday=False, name="旧名", source=library
    )
    CalendarDay.objects.create(
        date=dt.date(2026, 10, 10), is_workday=False, name="国庆节调休上班", source=library
    )
    CalendarDay.objects.create(date=dt.date(2026, 10, 3), is_workday=True, name="手工")
    # 39 days of 2026, less 2 Oct (already right) and 3 Oct (entered by hand): 37.
    assert calendar_sync_from_library(years=range(2026, 2027)) == 37
    got = {
        row.date: (row.is_workday, row.name, row.source)
        for row in CalendarDay.objects.filter(
            date__range=(dt.date(2026, 10, 1), dt.date(2026, 10, 10))
        )
    }
    assert got[dt.date(2026, 10, 1)] == (False, "国庆节", library)
    assert got[dt.date(2026, 10, 2)] == (False, "国庆节", library)
    assert got[dt.date(2026, 10, 3)] == (True, "手工", CalendarDay.Source.MANUAL)
    assert got[dt.date(2026, 10, 4)] == (False, "国庆节", library)
    assert got[dt.date(2026, 10, 10)] == (True, "国庆节调休上班", library)
    assert calendar_sync_from_library(years=range(2026, 2027)) == 0


def test_a_short_count_reads_the_calendar_once(django_assert_num_queries):
    # 10 working days fit in the first window (2 × 10 + 40 days): one read of the office table.
    with django_assert_num_queries(1):
        assert add_working_days(dt.date(2026, 9, 30), 10) == dt.date(2026, 10, 20)


def test_a_long_closure_reads_the_calendar_twice(django_assert_num_queries):
    # First window 29 Jan + 42 days = 12 March; the second (from 13 March, 42 days more) reaches
    # 24 April, past the closure's end on 15 April: two reads in all.
    closure = [dt.date(2027, 2, 1) + dt.timedelta(days=n) for n in range(74)]
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=day, is_workday=False, name="停工") for day in closure]
    )
    with django_assert_num_queries(2):
        assert add_working_days(dt.date(2027, 1, 29), 1) == dt.date(2027, 4, 16)


def test_every_holiday_gets_its_official_chinese_name():
    # The first day of each holiday, named as in the State Council notices; 3 Sept 2015 was the
    # one-off 抗战胜利70周年纪念日.
    expected = {
        dt.date(2026, 1, 1): "元旦",
        dt.date(2026, 2, 15): "春节",
        dt.date(2026, 4, 4): "清明节",
        dt.date(2026, 5, 1): "劳动节",
        dt.date(2026, 6, 19): "端午节",
        dt.date(2026, 9, 25): "中秋节",
        dt.date(2026, 10, 1): "国庆节",
        dt.date(2015, 9, 3): "抗战胜利70周年纪念日",
    }
    calendar_sync_from_library(years=range(2015, 2016))
    calendar_sync_from_library(years=range(2026, 2027))
    got = dict(CalendarDay.objects.filter(date__in=list(expected)).values_list("date", "name"))
    assert got == expected


def test_a_year_long_count_reads_the_calendar_once(django_assert_num_queries):
    # 249 working days: the first window reaches 2 × 249 + 40 = 538 days, past 4 January 2027.
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    with django_assert_num_queries(1):
        assert add_working_days(dt.date(2026, 1, 1), 249) == dt.date(2027, 1, 4)
