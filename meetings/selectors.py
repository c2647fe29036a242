"""Reads for the meeting pages (organisers' and invitees'), scoped to who asks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Exists, Max, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from banks.models import Institution
from enterprises.models import (
    OPEN_NEED_STATUSES,
    Enterprise,
    EnterpriseMembership,
    FinancingNeed,
    Project,
)
from enterprises.selectors import institution_may_see_need, needs_visible_to_institution
from matchmaking.models import Match

from .models import (
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    PresentedItem,
    ReminderDelivery,
    TalkInterest,
)

Response = MeetingInvitation.Response


def upcoming_meetings(*, limit: int = 5):
    return Meeting.objects.filter(
        starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:limit]


# --- Organisers ---------------------------------------------------------------------------------


def meetings_for_organiser(*, past: bool = False) -> QuerySet[Meeting]:
    """Meetings still to come (soonest first) or over (latest first), with answer counts."""
    now = timezone.now()
    meetings = Meeting.objects.select_related("series", "institution").annotate(
        invited=Count("invitations"),
        accepted=Count("invitations", filter=Q(invitations__response=Response.ACCEPTED)),
    )
    if past:
        return meetings.filter(ends_at__lt=now).order_by("-starts_at")
    return meetings.filter(ends_at__gte=now).order_by("starts_at")


def meeting_for_organiser(*, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("series", "institution", "organizer"), pk=pk
    )


def series_for_organiser(*, pk: int) -> MeetingSeries:
    return get_object_or_404(MeetingSeries.objects.select_related("institution"), pk=pk)


def series_occurrences(*, series: MeetingSeries) -> QuerySet[Meeting]:
    return series.occurrences.annotate(
        accepted=Count("invitations", filter=Q(invitations__response=Response.ACCEPTED))
    ).order_by("starts_at")


def answer_counts(*, meeting: Meeting) -> dict[str, int]:
    rows = meeting.invitations.values_list("response").annotate(n=Count("id"))
    counts = dict.fromkeys(Response.values, 0)
    counts.update(dict(rows))
    counts["total"] = sum(counts.values())
    return counts


def meeting_venues(*, meeting: Meeting):
    return meeting.sub_venues.annotate(
        accepted=Count("invitations", filter=Q(invitations__response=Response.ACCEPTED))
    ).order_by("position", "id")


def meeting_invitations(*, meeting: Meeting, response: str = "") -> QuerySet[MeetingInvitation]:
    invitations = meeting.invitations.select_related(
        "user", "via_institution", "via_enterprise", "sub_venue"
    ).order_by("response", "waitlist_position", "user__username")
    if response:
        invitations = invitations.filter(response=response)
    return invitations


def enterprises_to_invite(
    *,
    chain=None,
    cluster=None,
    key_project: bool = False,
    open_need: bool = False,
    with_members: bool = False,
) -> QuerySet[Enterprise]:
    """Verified enterprises by industry chain, cluster, having a key project or an open need
    (and, with ``with_members``, someone in the portal to receive the invitation)."""
    enterprises = Enterprise.objects.filter(
        verification_status=Enterprise.VerificationStatus.VERIFIED
    )
    if with_members:
        enterprises = enterprises.filter(
            Exists(EnterpriseMembership.objects.filter(enterprise=OuterRef("pk")))
        )
    if chain is not None:
        enterprises = enterprises.filter(chain=chain)
    if cluster is not None:
        enterprises = enterprises.filter(chain__cluster=cluster)
    if key_project:
        enterprises = enterprises.filter(
            Exists(
                Project.objects.filter(
                    enterprise=OuterRef("pk"), is_key_project=True, archived_at__isnull=True
                )
            )
        )
    if open_need:
        enterprises = enterprises.filter(
            Exists(
                FinancingNeed.objects.filter(
                    enterprise=OuterRef("pk"), status__in=OPEN_NEED_STATUSES
                )
            )
        )
    return enterprises.order_by("name")


def presentable_needs() -> QuerySet[FinancingNeed]:
    return (
        FinancingNeed.objects.filter(status__in=OPEN_NEED_STATUSES)
        .select_related("enterprise")
        .order_by("enterprise__name", "pk")
    )


def presentable_projects() -> QuerySet[Project]:
    return (
        Project.objects.filter(is_key_project=True, archived_at__isnull=True)
        .select_related("enterprise")
        .order_by("enterprise__name", "name")
    )


def presented_items(*, meeting: Meeting) -> QuerySet[PresentedItem]:
    return meeting.presented_items.select_related(
        "need__enterprise", "project__enterprise"
    ).order_by("position", "id")


def talk_interest_counts(*, meeting: Meeting) -> dict[int, int]:
    """Per enterprise on the list, how many institutions want to talk to it."""
    rows = (
        TalkInterest.objects.filter(meeting=meeting)
        .values_list("enterprise_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


# --- Invitees -----------------------------------------------------------------------------------


def my_invitations(*, user, past: bool = False) -> QuerySet[MeetingInvitation]:
    now = timezone.now()
    invitations = user.meeting_invitations.select_related("meeting", "sub_venue")
    if past:
        return invitations.filter(meeting__ends_at__lt=now).order_by("-meeting__starts_at")
    return invitations.filter(meeting__ends_at__gte=now).order_by("meeting__starts_at")


def meeting_for_invitee(*, user, pk: int) -> tuple[Meeting, MeetingInvitation | None]:
    """A meeting as an invitee sees it, with their invitation. An officer whose institution is
    invited (a colleague was) sees it too, without an invitation of their own; anyone else 404."""
    invitation = (
        MeetingInvitation.objects.select_related("meeting", "sub_venue", "meeting__institution")
        .filter(user=user, meeting_id=pk)
        .first()
    )
    if invitation is not None:
        return invitation.meeting, invitation
    meeting = get_object_or_404(Meeting.objects.select_related("institution"), pk=pk)
    institution = institution_of(user)
    if institution is None or not institution_is_invited(meeting=meeting, institution=institution):
        raise Http404
    return meeting, None


def waiting_place(*, invitation: MeetingInvitation) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if invitation.response != Response.WAITLISTED:
        return None
    return (
        invitation.meeting.invitations.filter(
            response=Response.WAITLISTED, waitlist_position__lt=invitation.waitlist_position
        ).count()
        + 1
    )


def institution_of(user) -> Institution | None:
    """The institution an active officer works for, else None."""
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    if officer is None or not officer.is_active or not user.is_officer:
        return None
    return officer.institution


def institution_is_invited(*, meeting: Meeting, institution: Institution) -> bool:
    return meeting.invitations.filter(
        Q(via_institution=institution) | Q(user__officer__institution=institution)
    ).exists()


def institution_may_see_item(*, item: PresentedItem, institution_id: int) -> bool:
    """A need only with the enterprise's consent (its visibility and revocations); a key project
    is published by the district and seen by every invited institution."""
    if item.need_id is not None:
        return item.need.status in OPEN_NEED_STATUSES and institution_may_see_need(
            need=item.need, institution_id=institution_id
        )
    return item.project.archived_at is None


@dataclass(frozen=True)
class PresentedRow:
    item: PresentedItem
    enterprise: Enterprise
    score: Decimal | None
    will_talk: bool


def presented_list_for_institution(
    *, meeting: Meeting, institution: Institution
) -> list[PresentedRow]:
    """The 推介清单 as one institution may see it, each row with the institution's best match
    score (over its products; for a project, over the project's open needs it may see) and its
    "will talk" mark. A fixed number of queries whatever the list's length."""
    items = list(presented_items(meeting=meeting))
    need_ids = {i.need_id for i in items if i.need_id and i.need.status in OPEN_NEED_STATUSES}
    project_ids = [i.project_id for i in items if i.project_id]
    project_needs: dict[int, list[int]] = {}
    for need_id, project_id in FinancingNeed.objects.filter(
        project_id__in=project_ids, status__in=OPEN_NEED_STATUSES
    ).values_list("pk", "project_id"):
        project_needs.setdefault(project_id, []).append(need_id)
    all_need_ids = need_ids | {n for ids in project_needs.values() for n in ids}
    visible = needs_visible_to_institution(need_ids=all_need_ids, institution_id=institution.pk)
    scores = dict(
        Match.objects.filter(need_id__in=visible, product__institution=institution)
        .values_list("need_id")
        .annotate(best=Max("score"))
    )
    marked = set(
        TalkInterest.objects.filter(meeting=meeting, institution=institution).values_list(
            "enterprise_id", flat=True
        )
    )
    rows = []
    for item in items:
        if item.need_id is not None:
            if item.need_id not in visible:
                continue
            score = scores.get(item.need_id)
            enterprise = item.need.enterprise
        else:
            if item.project.archived_at is not None:
                continue
            found = [scores[n] for n in project_needs.get(item.project_id, []) if n in scores]
            score = max(found) if found else None
            enterprise = item.project.enterprise
        rows.append(PresentedRow(item, enterprise, score, enterprise.pk in marked))
    return rows


@dataclass(frozen=True)
class AttendanceRow:
    """Invited, accepted and checked-in counts for one organisation (or for the whole meeting)."""

    kind: str  # "institution", "enterprise", "government" or "total"
    name: str
    invited: int
    accepted: int
    declined: int
    checked_in: int
    # Declined but checked in all the same (their substitute came with their code): present,
    # so they count as expected too and the rate never passes 100%.
    declined_checked_in: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Checked in per invitee expected (did not decline, or came anyway), as a percentage
        (None when nobody was expected)."""
        expected = self.invited - self.declined + self.declined_checked_in
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
        declined_checked_in=sum(
            1
            for i in invitations
            if i.response == Response.DECLINED and i.checked_in_at is not None
        ),
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
        declined_checked_in=Count(
            "pk", filter=Q(response=Response.DECLINED, checked_in_at__isnull=False)
        ),
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


def meeting_by_id(*, pk: int) -> Meeting:
    return get_object_or_404(Meeting, pk=pk)


def meeting_by_board_token(*, token: str) -> Meeting:
    """The meeting whose hall-screen link this is; 404 for a wrong or rotated token."""
    if not token:
        raise Http404
    return get_object_or_404(
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED), board_token=token
    )
