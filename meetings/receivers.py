"""The meetings app's own reaction to its ``meeting_changed`` signal: tell the invitees."""

from django.dispatch import receiver

from . import reminders
from .signals import meeting_changed


@receiver(meeting_changed, dispatch_uid="meetings.announce_change")
def announce_change(sender, meeting, kind, **kwargs):
    reminders.meeting_change_announce(meeting=meeting, kind=kind)
