"""How a meeting message reaches a person. Each channel is one small class with the same two
methods; an SMS gateway would be one more class here and one more ``ReminderDelivery.Channel``.

Channels only carry a composed ``OutgoingMessage``; deciding what is due and claiming it exactly
once is the services' job."""

from dataclasses import dataclass, field
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.text import MIMEText
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from accounts.models import Notice, User
from accounts.services import notices_send

# The Content-ID the e-mail's HTML uses to show the attached check-in QR code.
QR_CONTENT_ID = "checkin-qr"


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    text: str
    html: str = ""
    url: str = ""
    ics: str = ""
    ics_method: str = ""
    qr_png: bytes = b""
    attachments: list = field(default_factory=list)


class Channel(Protocol):
    name: str

    def enabled_for(self, user: User) -> bool:
        """Whether this person receives meeting messages this way (their preference)."""

    def send(self, *, user: User, message: OutgoingMessage) -> None:
        """Deliver or raise; a raised error is recorded and retried by the caller."""


class EmailChannel:
    name = "email"

    def enabled_for(self, user: User) -> bool:
        return bool(user.is_active and user.email and user.meeting_reminder_email)

    def send(self, *, user: User, message: OutgoingMessage) -> None:
        mail = EmailMultiAlternatives(
            subject=f"[{settings.PORTAL_NAME}] {message.subject}",
            body=message.text,
            to=[user.email],
        )
        if message.html:
            mail.attach_alternative(message.html, "text/html")
        if message.ics:
            part = MIMEText(message.ics, "calendar", "utf-8")
            part.set_param("method", message.ics_method)
            part.add_header("Content-Disposition", "attachment", filename="meeting.ics")
            mail.attach(part)
        if message.qr_png:
            image = MIMEImage(message.qr_png, "png")
            image.add_header("Content-ID", f"<{QR_CONTENT_ID}>")
            image.add_header("Content-Disposition", "inline", filename="checkin-qr.png")
            mail.attach(image)
        for attachment in message.attachments:
            if isinstance(attachment, MIMEBase):
                mail.attach(attachment)
        mail.send(fail_silently=False)


class PortalChannel:
    """An in-portal notice. Always on: the portal is where everything can be found again."""

    name = "portal"

    def enabled_for(self, user: User) -> bool:
        return user.is_active

    def send(self, *, user: User, message: OutgoingMessage) -> None:
        # The e-mail channel sends the real e-mail (with the calendar file); the notice must not
        # send a second, plain one.
        notices_send(
            notices=[
                Notice(user=user, title=message.subject[:200], body=message.text, url=message.url)
            ],
            email_if=lambda _user: False,
        )


CHANNELS: dict[str, Channel] = {
    channel.name: channel for channel in (EmailChannel(), PortalChannel())
}
