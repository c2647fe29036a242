"""Which reminders are due, with a frozen clock: every expected moment is worked out by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

from meetings.due import NUDGE, REMINDER, Due, due_messages

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULTS = [7 * 24 * 60, 24 * 60, 120]  # a week, a day, two hours


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


# A meeting on Thursday 2026-12-17 at 09:30 Shanghai time (01:30 UTC).
START = at(2026, 12, 17, 9, 30)


def due(now, *, start=START, offsets=DEFAULTS, claimed=(), answered=True):
    return due_messages(
        now=now, starts_at=start, offsets=offsets, claimed=set(claimed), answered=answered
    )


def test_nothing_is_due_before_the_first_reminder_time():
    # A week before is 2026-12-10 09:30; one minute earlier nothing is due.
    assert due(at(2026, 12, 10, 9, 29)) == []


def test_the_week_reminder_is_due_from_the_week_mark():
    assert due(at(2026, 12, 10, 9, 30)) == [Due(START, REMINDER, 10080)]


def test_the_day_reminder_falls_due_across_the_day_boundary():
    # The day before is Wednesday 2026-12-16 09:30; the week reminder already went out.
    week = Due(START, REMINDER, 10080)
    assert due(at(2026, 12, 16, 9, 29), claimed=[week]) == []
    assert due(at(2026, 12, 16, 9, 30), claimed=[week]) == [Due(START, REMINDER, 1440)]


def test_the_two_hour_reminder_is_due_at_half_past_seven_on_the_day():
    claimed = [Due(START, REMINDER, 10080), Due(START, REMINDER, 1440)]
    assert due(at(2026, 12, 17, 7, 29), claimed=claimed) == []
    assert due(at(2026, 12, 17, 7, 30), claimed=claimed) == [Due(START, REMINDER, 120)]


def test_a_reminder_time_crossing_midnight_utc_is_computed_in_absolute_time():
    # A meeting at 07:00 Shanghai on 2026-12-18 is 23:00 UTC on the 17th; two hours before is
    # 05:00 Shanghai on the 18th (21:00 UTC on the 17th).
    start = at(2026, 12, 18, 7, 0)
    now = dt.datetime(2026, 12, 17, 21, 0, tzinfo=dt.UTC)
    claimed = [Due(start, REMINDER, 10080), Due(start, REMINDER, 1440)]
    assert due(now - dt.timedelta(seconds=1), start=start, claimed=claimed) == []
    assert due(now, start=start, claimed=claimed) == [Due(start, REMINDER, 120)]


def test_nothing_is_due_once_the_meeting_has_started():
    assert due(at(2026, 12, 17, 9, 30)) == []


def test_a_late_invitee_gets_only_the_latest_reached_reminder():
    # Invited on 2026-12-16 at 12:00: the week and day marks have passed; one reminder, the day's.
    assert due(at(2026, 12, 16, 12, 0)) == [Due(START, REMINDER, 1440)]


def test_a_claimed_reminder_is_not_due_again():
    assert due(at(2026, 12, 12, 8, 0), claimed=[Due(START, REMINDER, 10080)]) == []


def test_nudge_for_those_who_have_not_answered_two_days_before():
    # Two days before is 2026-12-15 09:30; the nudge window closes at the day mark.
    week = Due(START, REMINDER, 10080)
    assert due(at(2026, 12, 15, 9, 29), claimed=[week], answered=False) == []
    assert due(at(2026, 12, 15, 9, 30), claimed=[week], answered=False) == [Due(START, NUDGE, 2880)]
    assert due(at(2026, 12, 15, 9, 30), claimed=[week], answered=True) == []


def test_no_nudge_once_the_day_reminder_is_due():
    week = Due(START, REMINDER, 10080)
    assert due(at(2026, 12, 16, 9, 30), claimed=[week], answered=False) == [
        Due(START, REMINDER, 1440)
    ]


def test_a_claimed_nudge_is_not_due_again():
    claimed = [Due(START, REMINDER, 10080), Due(START, NUDGE, 2880)]
    assert due(at(2026, 12, 15, 18, 0), claimed=claimed, answered=False) == []


def test_a_moved_meeting_gets_fresh_reminders():
    # Claimed for the old start (17 Dec); moved to 2026-12-18 14:00. At 2026-12-17 14:00 the
    # day reminder for the new start is due although one was claimed for the old start.
    new_start = at(2026, 12, 18, 14, 0)
    claimed = [Due(START, REMINDER, 10080), Due(START, REMINDER, 1440)]
    assert due(at(2026, 12, 17, 14, 0), start=new_start, claimed=claimed) == [
        Due(new_start, REMINDER, 1440)
    ]


def test_a_series_of_weekly_meetings_each_has_its_own_reminders():
    # Three Thursdays at 09:30: 17, 24 and 31 December. On Thursday 24 December at 08:00:
    # the 17th is over; the 24th's two-hour mark (07:30) has passed; the 31st's week mark
    # (24th 09:30) has not.
    starts = [at(2026, 12, 17, 9, 30), at(2026, 12, 24, 9, 30), at(2026, 12, 31, 9, 30)]
    now = at(2026, 12, 24, 8, 0)
    claimed = {Due(starts[1], REMINDER, 10080), Due(starts[1], REMINDER, 1440)}
    assert [due(now, start=start, claimed=claimed) for start in starts] == [
        [],
        [Due(starts[1], REMINDER, 120)],
        [],
    ]
    # At 09:30 the 31st's week reminder falls due; the 24th has started.
    later = at(2026, 12, 24, 9, 30)
    assert [due(later, start=start, claimed=claimed) for start in starts] == [
        [],
        [],
        [Due(starts[2], REMINDER, 10080)],
    ]


def test_per_meeting_offsets_replace_the_defaults():
    # Only three days and thirty minutes before: 2026-12-14 09:30 and 2026-12-17 09:00.
    offsets = [3 * 24 * 60, 30]
    assert due(at(2026, 12, 14, 9, 29), offsets=offsets) == []
    assert due(at(2026, 12, 14, 9, 30), offsets=offsets) == [Due(START, REMINDER, 4320)]
    assert due(at(2026, 12, 17, 9, 0), offsets=offsets, claimed=[Due(START, REMINDER, 4320)]) == [
        Due(START, REMINDER, 30)
    ]
