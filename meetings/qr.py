"""Check-in QR codes: the code is a link to the door's check-in page with the invitee's code, so
any phone camera opens it; the six characters under it can be typed when there is no camera."""

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

# Pixels per QR module in the e-mailed PNG: about 250 px wide for a typical link, easy to scan
# from a phone screen held at the door.
PNG_SCALE = 6


def checkin_url(invitation) -> str:
    path = reverse("office:meeting_checkin", args=[invitation.meeting_id])
    return f"{settings.PORTAL_BASE_URL}{path}?{urlencode({'code': invitation.checkin_code})}"


def _qr(invitation):
    return segno.make(checkin_url(invitation), error="m")


def checkin_qr_svg(invitation) -> str:
    """Inline SVG for pages (no XML declaration, scales with CSS)."""
    buffer = io.BytesIO()
    _qr(invitation).save(
        buffer, kind="svg", xmldecl=False, svgns=True, omitsize=True, border=2, title="QR"
    )
    return buffer.getvalue().decode("utf-8")


def checkin_qr_png(invitation) -> bytes:
    """PNG for e-mail, where SVG images are often not shown. segno writes PNG without Pillow."""
    buffer = io.BytesIO()
    _qr(invitation).save(buffer, kind="png", scale=PNG_SCALE, border=2)
    return buffer.getvalue()
