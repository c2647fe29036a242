"""Which reminders are due: a pure function of the clock, the occurrence's start, its reminder
times and what was already claimed, so it can be tested with a frozen clock and no database."""

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

# Invitees who have not answered are asked to, this long before the start: a day before the
# one-day reminder, so there is still a day to answer before the organiser counts seats.
NUDGE_OFFSET_MINUTES = 2 * 24 * 60
# The nudge makes no sense once the one-day reminder is due; that reminder asks for an answer too.
NUDGE_WINDOW_ENDS_MINUTES = 24 * 60

REMINDER = "reminder"
NUDGE = "nudge"


@dataclass(frozen=True, order=True)
class Due:
    """One message to send for one occurrence: its kind and how many minutes before the start."""

    occurrence_start: dt.datetime
    kind: str
    offset_minutes: int


def due_messages(
    *,
    now: dt.datetime,
    starts_at: dt.datetime,
    offsets: Iterable[int],
    claimed: Collection[Due],
    answered: bool,
) -> list[Due]:
    """What one invitee should be sent now for the occurrence starting at ``starts_at``.

    - Nothing once the meeting has started.
    - Of the reminder times already reached, only the latest (the one nearest the start): an
      invitee added three days before the meeting gets one reminder then, not a late "in a week"
      and then another. It is not due if that one, or a later one, was claimed for this start.
    - Claims count only for the same start, so a moved meeting gets fresh reminders.
    - Those who have not answered get a nudge from two days before until one day before.
    """
    if now >= starts_at:
        return []
    claimed_here = {item for item in claimed if item.occurrence_start == starts_at}
    due = []
    reached = [offset for offset in offsets if starts_at - dt.timedelta(minutes=offset) <= now]
    if reached:
        latest = min(reached)
        already = any(
            item.kind == REMINDER and item.offset_minutes <= latest for item in claimed_here
        )
        if not already:
            due.append(Due(starts_at, REMINDER, latest))
    if not answered:
        window_opens = starts_at - dt.timedelta(minutes=NUDGE_OFFSET_MINUTES)
        window_closes = starts_at - dt.timedelta(minutes=NUDGE_WINDOW_ENDS_MINUTES)
        nudge = Due(starts_at, NUDGE, NUDGE_OFFSET_MINUTES)
        if window_opens <= now < window_closes and nudge not in claimed_here:
            due.append(nudge)
    return due
