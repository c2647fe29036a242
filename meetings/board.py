"""The hall screen's link (大屏): a secret token on the meeting, so the hall PC shows the live board
without anybody logging in. The organiser makes it and rotates it; the old link then stops."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.errors import ServiceError

from .models import Meeting

# 32 random bytes, URL-safe: not guessable, short enough to type from a printed card.
BOARD_TOKEN_BYTES = 32


@transaction.atomic
def board_token_rotate(*, meeting: Meeting, actor: User) -> str:
    """Make the meeting's board link, or replace it (the old link then shows nothing)."""
    if not (actor.is_authenticated and actor.is_finance_office):
        raise ServiceError(_("Only the finance office manages the hall screen's link."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    had_token = bool(meeting.board_token)
    meeting.board_token = secrets.token_urlsafe(BOARD_TOKEN_BYTES)
    meeting.save(update_fields=["board_token"])
    audit_record(
        obj=meeting, action="board_link_rotated" if had_token else "board_link_made", actor=actor
    )
    return meeting.board_token
