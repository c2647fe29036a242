"""Signals the meetings app sends, so apps above it can react without being imported here."""

from django.dispatch import Signal

# Sent after the change has committed, with ``meeting`` and ``kind`` ("rescheduled", "cancelled"
# or "updated"). The meetings app itself announces the change to the invitees (meetings.receivers).
meeting_changed = Signal()
