"""iCalendar (RFC 5545) files for meeting invitations, updates and cancellations.

Written here rather than with a library: one VEVENT with a handful of properties. Times are in
UTC, so no VTIMEZONE block is needed; text values are escaped (3.3.11) and lines folded at 75
octets without splitting a UTF-8 character (3.1).
"""

import datetime as dt
from dataclasses import dataclass

CRLF = "\r\n"
# RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_LINE_OCTETS = 75
PRODID = "-//Qingxi District//Government-Bank-Enterprise Portal//ZH"


class Method:
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    organizer_email: str = ""
    organizer_name: str = ""
    attendee_email: str = ""
    attendee_name: str = ""


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value: quoted, with the characters a quoted string may not hold removed."""
    return '"' + value.replace('"', "").replace("\r", " ").replace("\n", " ") + '"'


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, continuation lines starting with a space."""
    pieces = []
    current = ""
    current_octets = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            pieces.append(current)
            current, current_octets = "", 0
            limit = MAX_LINE_OCTETS - 1  # the leading space counts
        current += char
        current_octets += size
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def format_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: CalendarEvent, *, method: str, stamp: dt.datetime) -> str:
    """The whole .ics file for one event; ``method`` is ``Method.REQUEST`` or ``Method.CANCEL``."""
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{format_utc(stamp)}",
        f"DTSTART:{format_utc(event.starts_at)}",
        f"DTEND:{format_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.organizer_email:
        name = f";CN={_param(event.organizer_name)}" if event.organizer_name else ""
        lines.append(f"ORGANIZER{name}:mailto:{event.organizer_email}")
    if event.attendee_email:
        name = f";CN={_param(event.attendee_name)}" if event.attendee_name else ""
        lines.append(f"ATTENDEE{name};ROLE=REQ-PARTICIPANT:mailto:{event.attendee_email}")
    lines.append("STATUS:CANCELLED" if method == Method.CANCEL else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
