"""Check-in at the door (签到): staff type the invitee's six-character code, or open the link in
the QR code, and the invitation is marked as attended."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.errors import ServiceError

from .models import CHECKIN_CODE_ALPHABET, CHECKIN_CODE_LENGTH, Meeting, MeetingInvitation


@dataclass(frozen=True)
class CheckIn:
    invitation: MeetingInvitation
    already: bool  # checked in before; ``invitation.checked_in_at`` says when


def checkin_code_normalize(code: str) -> str:
    """Upper case, spaces and dashes removed. Look-alike characters are not guessed: a code with
    one is simply not found."""
    return "".join(code.split()).replace("-", "").upper()


def checkin_code_is_well_formed(code: str) -> bool:
    return len(code) == CHECKIN_CODE_LENGTH and all(char in CHECKIN_CODE_ALPHABET for char in code)


def _may_check_in(actor: User) -> bool:
    return actor.is_authenticated and actor.is_government


def invitation_for_checkin(*, meeting: Meeting, code: str, actor: User) -> MeetingInvitation:
    """The invitation a code belongs to at this meeting, or a refusal saying why not."""
    if not _may_check_in(actor):
        raise ServiceError(_("Only government staff check people in."))
    code = checkin_code_normalize(code)
    if not checkin_code_is_well_formed(code):
        raise ServiceError(
            _("A check-in code has %(length)d letters and digits, e.g. 7KX4QM.")
            % {"length": CHECKIN_CODE_LENGTH},
            field="code",
        )
    invitation = (
        MeetingInvitation.objects.select_related("user", "checked_in_by")
        .filter(meeting=meeting, checkin_code=code)
        .first()
    )
    if invitation is None:
        if MeetingInvitation.objects.filter(checkin_code=code).exclude(meeting=meeting).exists():
            raise ServiceError(
                _("This code belongs to another meeting. Ask for the invitation to this one."),
                field="code",
            )
        raise ServiceError(
            _(
                "No invitation to this meeting has this code. Guests who were not invited cannot "
                "be checked in; the organiser can invite them first."
            ),
            field="code",
        )
    return invitation


def invitation_check_in(
    *, meeting: Meeting, code: str, actor: User, now: dt.datetime | None = None
) -> CheckIn:
    """Mark the invitee with this code as present. A second check-in changes nothing and says
    when the first one was."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(_("This meeting was cancelled."))
    found = invitation_for_checkin(meeting=meeting, code=code, actor=actor)
    with transaction.atomic():
        invitation = (
            MeetingInvitation.objects.select_for_update(of=("self",))
            .select_related("user", "checked_in_by")
            .get(pk=found.pk)
        )
        if invitation.checked_in_at is not None:
            return CheckIn(invitation=invitation, already=True)
        invitation.checked_in_at = now
        invitation.checked_in_by = actor
        invitation.save(update_fields=["checked_in_at", "checked_in_by"])
        audit_record(
            obj=invitation,
            action="check_in",
            actor=actor,
            to_state="checked_in",
            note=str(invitation.user),
            thread=meeting,
        )
    return CheckIn(invitation=invitation, already=False)
