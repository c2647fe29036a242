"""Signals the meetings app sends for work that lives elsewhere (mail, reminders, talk slots).

``meeting_changed`` is sent after the transaction that changed a meeting commits, once per
changed occurrence:

- ``sender``: the ``Meeting`` class;
- ``meeting``: the ``Meeting`` as it now is (``meeting.sequence`` already raised);
- ``kind``: ``"rescheduled"`` (start or end moved), ``"cancelled"`` (status is now cancelled) or
  ``"updated"`` (anything else invitees see: title, place, online link, agenda).

Receivers must not assume the meeting still looks that way when they run later (a task should
load the row again by ``meeting.pk``). The meetings app itself announces the change to the
invitees (``meetings.receivers`` → ``meetings.reminders.meeting_change_announce``).
"""

from django.dispatch import Signal

MEETING_RESCHEDULED = "rescheduled"
MEETING_CANCELLED = "cancelled"
MEETING_UPDATED = "updated"

meeting_changed = Signal()
