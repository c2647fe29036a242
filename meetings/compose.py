"""The words of each meeting message (reminder, nudge, change, cancellation) and its calendar file.
Composed once per delivery; every channel carries the same message."""

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import ics
from .channels import QR_CONTENT_ID, OutgoingMessage
from .models import Meeting, MeetingInvitation, ReminderDelivery
from .qr import checkin_qr_png, checkin_url
from .services import rsvp_link
from .talks import slots_for_user

Kind = ReminderDelivery.Kind


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, so calendars update the same event."""
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"meeting-{meeting.pk}@{host or 'portal'}"


def invitation_link(invitation: MeetingInvitation, *, asks_answer: bool) -> str:
    """The link in the message: the signed answer link (works without logging in) while the
    invitee has not answered, else their invitation page with the check-in code."""
    if asks_answer:
        return rsvp_link(invitation)
    return settings.PORTAL_BASE_URL + reverse("meetings:invitation_portal", args=[invitation.pk])


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    end_format = "%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M}–{end.strftime(end_format)}"


def _lead_time(delivery: ReminderDelivery, now: dt.datetime) -> str:
    """How long until the start, as people say it: "in 7 days", "tomorrow", "in 2 hours"."""
    left = delivery.occurrence_start - now
    hours = round(left.total_seconds() / 3600)
    if hours >= 36:
        return _("in %(days)d days") % {"days": round(hours / 24)}
    if hours >= 20:
        return _("tomorrow")
    if hours >= 1:
        return _("in %(hours)d hours") % {"hours": hours}
    return _("soon")


def _subject(delivery: ReminderDelivery, meeting: Meeting, now: dt.datetime) -> str:
    values = {"title": meeting.title, "when": _when(meeting), "lead": _lead_time(delivery, now)}
    if delivery.kind == Kind.NUDGE:
        return _("Will you attend %(title)s? Please answer") % values
    if delivery.kind == Kind.UPDATE:
        return _("Changed: %(title)s, now %(when)s") % values
    if delivery.kind == Kind.CANCELLATION:
        return _("Cancelled: %(title)s (%(when)s)") % values
    return _("Reminder: %(title)s starts %(lead)s") % values


def _talk_line(slot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return _("1:1 talk %(start)s–%(end)s: %(institution)s with %(enterprise)s") % {
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "institution": slot.institution,
        "enterprise": slot.enterprise,
    }


def outgoing_message(
    delivery: ReminderDelivery, invitation: MeetingInvitation | None, *, now: dt.datetime
) -> OutgoingMessage:
    meeting = delivery.meeting
    user = delivery.user
    with translation.override(settings.LANGUAGE_CODE):
        cancelled = delivery.kind == Kind.CANCELLATION
        asks_answer = (
            bool(invitation)
            and invitation.response == MeetingInvitation.Response.PENDING
            and not cancelled
        )
        link = invitation_link(invitation, asks_answer=asks_answer) if invitation else ""
        context = {
            "delivery": delivery,
            "meeting": meeting,
            "invitation": invitation,
            "user": user,
            "when": _when(meeting),
            "lead_time": _lead_time(delivery, now),
            "link": link,
            "show_checkin": bool(invitation) and not cancelled,
            "checkin_url": checkin_url(invitation) if invitation else "",
            "qr_cid": QR_CONTENT_ID,
            "asks_answer": asks_answer,
            "portal_name": settings.PORTAL_NAME,
            "talks": []
            if cancelled
            else [_talk_line(slot) for slot in slots_for_user(meeting, user)],
        }
        subject = _subject(delivery, meeting, now)
        text = render_to_string("meetings/email/meeting_message.txt", context)
        html = render_to_string("meetings/email/meeting_message.html", context)
        organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
        event = ics.CalendarEvent(
            uid=meeting_uid(meeting),
            sequence=meeting.sequence,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            summary=meeting.title,
            location=meeting.location,
            description="\n".join(filter(None, [meeting.agenda, *context["talks"]])),
            url=context["link"],
            organizer_email=organizer_email,
            organizer_name=organizer_name,
            attendee_email=user.email,
            attendee_name=str(user),
        )
        method = ics.Method.CANCEL if cancelled else ics.Method.REQUEST
    return OutgoingMessage(
        subject=subject,
        text=text,
        html=html,
        url=link,
        ics=ics.calendar(event, method=method, stamp=now),
        ics_method=method,
        qr_png=checkin_qr_png(invitation) if context["show_checkin"] else b"",
    )
