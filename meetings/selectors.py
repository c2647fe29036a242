from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Q, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Meeting, MeetingInvitation, ReminderDelivery


def upcoming_meetings(*, limit: int = 5):
    return Meeting.objects.filter(
        starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:limit]


@dataclass(frozen=True)
class AttendanceRow:
    """Invited, accepted and checked-in counts for one organisation (or for the whole meeting)."""

    kind: str  # "institution", "enterprise", "government" or "total"
    name: str
    invited: int
    accepted: int
    declined: int
    checked_in: int

    @property
    def rate(self) -> Decimal | None:
        """Checked in per invitee who did not decline, as a percentage (None when nobody)."""
        expected = self.invited - self.declined
        if not expected:
            return None
        return (Decimal(self.checked_in) * 100 / expected).quantize(Decimal("0.1"))


def _organisation(user) -> tuple[str, str]:
    officer = getattr(user, "officer", None)
    if officer is not None:
        return "institution", str(officer.institution)
    membership = getattr(user, "enterprise_membership", None)
    if membership is not None:
        return "enterprise", membership.enterprise.name
    if user.is_government:
        return "government", user.get_department_display() or str(user.get_role_display())
    return "other", str(user)


def _row(kind: str, name: str, invitations) -> AttendanceRow:
    Response = MeetingInvitation.Response
    return AttendanceRow(
        kind=kind,
        name=name,
        invited=len(invitations),
        accepted=sum(1 for i in invitations if i.response == Response.ACCEPTED),
        declined=sum(1 for i in invitations if i.response == Response.DECLINED),
        checked_in=sum(1 for i in invitations if i.checked_in_at is not None),
    )


def _invitations_with_organisations(meeting: Meeting):
    return list(
        MeetingInvitation.objects.filter(meeting=meeting).select_related(
            "user", "user__officer__institution", "user__enterprise_membership__enterprise"
        )
    )


def attendance_by_institution(meeting: Meeting) -> list[AttendanceRow]:
    """One row per institution, enterprise or government department invited: invited, accepted,
    declined and checked-in counts and the attendance rate. Two queries whatever the size."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for invitation in _invitations_with_organisations(meeting):
        groups[_organisation(invitation.user)].append(invitation)
    order = {"institution": 0, "enterprise": 1, "government": 2, "other": 3}
    return [
        _row(kind, name, invitations)
        for (kind, name), invitations in sorted(
            groups.items(), key=lambda item: (order[item[0][0]], item[0][1])
        )
    ]


def attendance_total(meeting: Meeting) -> AttendanceRow:
    Response = MeetingInvitation.Response
    counts = MeetingInvitation.objects.filter(meeting=meeting).aggregate(
        invited=Count("pk"),
        accepted=Count("pk", filter=Q(response=Response.ACCEPTED)),
        declined=Count("pk", filter=Q(response=Response.DECLINED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return AttendanceRow(kind="total", name="", **counts)


def recent_checkins(meeting: Meeting, *, limit: int = 10):
    return (
        MeetingInvitation.objects.filter(meeting=meeting, checked_in_at__isnull=False)
        .select_related("user")
        .order_by("-checked_in_at")[:limit]
    )


def meeting_deliveries(meeting: Meeting, *, status: str = ""):
    """The meeting's reminder deliveries, failures first, then newest."""
    deliveries = ReminderDelivery.objects.filter(meeting=meeting).select_related("user")
    if status:
        deliveries = deliveries.filter(status=status)
    failed_first = Case(When(status=ReminderDelivery.Status.FAILED, then=0), default=1)
    return deliveries.order_by(failed_first, "-created_at", "user_id", "channel")


def meeting_delivery_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict(
        ReminderDelivery.objects.filter(meeting=meeting)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {value: counts.get(value, 0) for value in ReminderDelivery.Status.values}


def invitation_of(user, pk: int) -> MeetingInvitation:
    """The invitee's own invitation (404 for anyone else's)."""
    return get_object_or_404(MeetingInvitation.objects.select_related("meeting"), pk=pk, user=user)
