"""Reads of what was signed at a meeting: the organiser's report, the hall's live board and the
follow-up (履约跟踪) of each agreement since. Voided agreements are in none of them: every read
starts from ``counted_agreements``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings.models import Meeting, MeetingInvitation, SubVenue

from .models import LoanAgreement
from .selectors import counted_agreements

ZERO = Decimal("0.00")
# The board shows this many of the latest signings: what fits the hall screen in large type.
BOARD_LATEST = 6
# After this many days an agreement signed at a meeting and not yet disbursed is followed up
# (a setting: ``MEETING_FOLLOW_UP_DAYS``).
DEFAULT_FOLLOW_UP_DAYS = 30


def follow_up_days() -> int:
    return int(getattr(settings, "MEETING_FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_DAYS))


def meeting_agreements(meeting: Meeting) -> QuerySet[LoanAgreement]:
    return (
        counted_agreements()
        .filter(meeting=meeting)
        .select_related("institution", "sub_venue", "lead__need__enterprise__chain")
    )


def _totals_by(meeting: Meeting, key: str, label: str) -> list[dict]:
    return list(
        counted_agreements()
        .filter(meeting=meeting)
        .values(key)
        .annotate(label=label_expression(label), count=Count("id"), signed=Sum("amount"))
        .order_by("-signed", "label")
    )


def label_expression(path: str):
    return Coalesce(path, Value(""))


@dataclass
class MeetingReport:
    meeting: Meeting
    total_amount: Decimal
    total_count: int
    by_institution: list[dict]
    by_chain: list[dict]
    by_sub_venue: list[dict]
    by_enterprise: list[dict]
    agreements: list[LoanAgreement]
    attendance: list[dict]
    attendance_totals: dict


def meeting_report(meeting: Meeting) -> MeetingReport:
    """Every table of the meeting report; a fixed number of queries whatever the meeting's size."""
    totals = (
        counted_agreements()
        .filter(meeting=meeting)
        .aggregate(signed=Coalesce(Sum("amount"), ZERO), count=Count("id"))
    )
    attendance = meeting_attendance(meeting)
    return MeetingReport(
        meeting=meeting,
        total_amount=totals["signed"],
        total_count=totals["count"],
        by_institution=_totals_by(meeting, "institution_id", "institution__name"),
        by_chain=_totals_by(
            meeting, "lead__need__enterprise__chain_id", "lead__need__enterprise__chain__name"
        ),
        by_sub_venue=_totals_by(meeting, "sub_venue_id", "sub_venue__name"),
        by_enterprise=_totals_by(
            meeting, "lead__need__enterprise_id", "lead__need__enterprise__name"
        ),
        agreements=list(meeting_agreements(meeting).order_by("-amount", "id")),
        attendance=attendance,
        attendance_totals={
            key: sum(row[key] for row in attendance)
            for key in ("invited", "accepted", "declined", "pending")
        },
    )


# --- Attendance -------------------------------------------------------------------------------


def meeting_attendance(meeting: Meeting) -> list[dict]:
    """Per institution: officers invited, accepted, declined, not answered, and checked in.

    Officers only, grouped by institution (the report's view); the organiser's check-in page
    has every invitee (``meetings.selectors.attendance_by_institution``)."""
    rows = (
        MeetingInvitation.objects.filter(meeting=meeting, user__officer__isnull=False)
        .values("user__officer__institution_id", "user__officer__institution__name")
        .annotate(
            invited=Count("id"),
            accepted=Count("id", filter=Q(response=MeetingInvitation.Response.ACCEPTED)),
            declined=Count("id", filter=Q(response=MeetingInvitation.Response.DECLINED)),
            pending=Count("id", filter=Q(response=MeetingInvitation.Response.PENDING)),
            checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        )
        .order_by("user__officer__institution__name")
    )
    return [
        {
            "institution_id": row["user__officer__institution_id"],
            "institution": row["user__officer__institution__name"],
            "invited": row["invited"],
            "accepted": row["accepted"],
            "declined": row["declined"],
            "pending": row["pending"],
            "checked_in": row["checked_in"],
        }
        for row in rows
    ]


# --- The live board ---------------------------------------------------------------------------


@dataclass
class Board:
    meeting: Meeting
    total_amount: Decimal
    total_count: int
    latest: list[LoanAgreement]
    venues: list[dict]
    unplaced_amount: Decimal


def meeting_board(meeting: Meeting) -> Board:
    """What the hall screen shows: three queries, whatever the meeting's size."""
    totals = (
        counted_agreements()
        .filter(meeting=meeting)
        .aggregate(
            signed=Coalesce(Sum("amount"), ZERO),
            count=Count("id"),
            unplaced=Coalesce(Sum("amount", filter=Q(sub_venue__isnull=True)), ZERO),
        )
    )
    latest = list(
        counted_agreements()
        .filter(meeting=meeting)
        .select_related("institution", "lead__need__enterprise", "sub_venue")
        .only(
            "amount",
            "created_at",
            "institution__name",
            "institution__short_name",
            "lead__need__enterprise__name",
            "sub_venue__name",
        )
        .order_by("-created_at", "-id")[:BOARD_LATEST]
    )
    counted = Q(agreements__voided_at__isnull=True)
    venues = list(
        SubVenue.objects.filter(meeting=meeting)
        .annotate(
            count=Count("agreements", filter=counted),
            signed=Coalesce(Sum("agreements__amount", filter=counted), ZERO),
        )
        .order_by("-is_main", "position", "id")
        .values("name", "is_main", "count", "signed")
    )
    return Board(
        meeting=meeting,
        total_amount=totals["signed"],
        total_count=totals["count"],
        latest=latest,
        venues=venues,
        unplaced_amount=totals["unplaced"],
    )


# --- Follow-up (履约跟踪) -----------------------------------------------------------------------


def follow_up_agreements(meeting: Meeting, *, today: dt.date | None = None) -> list[LoanAgreement]:
    """Each agreement signed at the meeting with what was paid out since: ``disbursed`` (total),
    ``first_disbursed_on``, ``last_disbursed_on``, and ``days_waited`` when nothing was paid."""
    today = today or timezone.localdate()
    agreements = list(
        meeting_agreements(meeting)
        .annotate(
            disbursed=Coalesce(Sum("disbursements__amount"), ZERO),
            first_disbursed_on=Min("disbursements__disbursed_on"),
            last_disbursed_on=Max("disbursements__disbursed_on"),
        )
        .order_by("signed_on", "id")
    )
    for agreement in agreements:
        agreement.days_waited = (
            None if agreement.first_disbursed_on else (today - agreement.signed_on).days
        )
        agreement.days_to_disburse = (
            (agreement.first_disbursed_on - agreement.signed_on).days
            if agreement.first_disbursed_on
            else None
        )
    return agreements


def follow_up_summary(agreements: list[LoanAgreement], *, overdue_days: int) -> dict:
    disbursed = [a for a in agreements if a.first_disbursed_on]
    waiting = [a for a in agreements if not a.first_disbursed_on]
    return {
        "count": len(agreements),
        "signed_amount": sum((a.amount for a in agreements), ZERO),
        "disbursed_count": len(disbursed),
        "disbursed_amount": sum((a.disbursed for a in agreements), ZERO),
        "waiting_count": len(waiting),
        "overdue_count": sum(1 for a in waiting if a.days_waited >= overdue_days),
        "overdue_days": overdue_days,
    }


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting before this one, whose follow-up this one opens with: the previous occurrence
    of its series; for the first of a series or a one-off meeting, the latest earlier meeting of
    the same kind, else of any kind (the district's regular meetings change format: 对接会,
    座谈会). Cancelled meetings never count."""
    earlier = (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-pk")
    )
    if meeting.series_id is not None:
        in_series = earlier.filter(series_id=meeting.series_id).first()
        if in_series is not None:
            return in_series
    return earlier.filter(kind=meeting.kind).first() or earlier.first()


def previous_follow_up(meeting: Meeting, *, today: dt.date | None = None) -> dict | None:
    """The previous meeting's follow-up figures, with which the next meeting opens."""
    previous = previous_meeting(meeting)
    if previous is None:
        return None
    agreements = follow_up_agreements(previous, today=today)
    return {
        "meeting": previous,
        **follow_up_summary(agreements, overdue_days=follow_up_days()),
    }


def undisbursed_by_institution(*, today: dt.date, days: int) -> dict[int, list[LoanAgreement]]:
    """Agreements signed at a meeting ``days`` or more days ago with nothing paid out yet,
    grouped by institution."""
    cutoff = today - dt.timedelta(days=days)
    grouped: dict[int, list[LoanAgreement]] = {}
    rows = (
        counted_agreements()
        .filter(meeting__isnull=False, signed_on__lte=cutoff, disbursements__isnull=True)
        .select_related("meeting", "lead__need__enterprise", "institution", "recorded_by")
        .order_by("institution_id", "signed_on", "id")
    )
    for agreement in rows:
        grouped.setdefault(agreement.institution_id, []).append(agreement)
    return grouped
