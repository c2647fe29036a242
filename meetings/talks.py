"""1:1 bank-enterprise talks at a meeting (一对一洽谈): who is a candidate pair, the scheduler that
lays slots out from match scores, the organiser's adjustments and each participant's slots.

The scheduler is greedy, and says so: pairs are taken best first (pairs an institution marked
"will talk" before all others, then by match score, ties by ids so the plan is reproducible), and
each pair gets the earliest slot in which neither its institution nor its enterprise already
talks, while both still have capacity left. Greedy is not optimal (a high-scoring pair may take
the slot a lower pair needed), but it never breaks a rule, and the organiser adjusts afterwards.
The rules themselves (no overlap for one institution or one enterprise, capacities) are checked
again by every adjustment, so a hand-made slot cannot break them either.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from banks.models import Institution, Officer
from core.audit import audit_record
from core.errors import ServiceError
from enterprises.models import OPEN_NEED_STATUSES, Enterprise, EnterpriseMembership
from matchmaking.models import Match

from .models import Meeting, MeetingInvitation, SubVenue, TalkInterest, TalkPlan, TalkSlot

# A 1:1 talk is a short first conversation at a bank's desk: 10 to 15 minutes (the issue's
# bounds); the default is the longer one, room for a real question or two.
MIN_SLOT_MINUTES = 10
MAX_SLOT_MINUTES = 15
DEFAULT_SLOT_MINUTES = 15
# A desk with one or two officers can hold about an hour and a half of talks in a morning; an
# enterprise's boss rarely sits at more than three desks.
DEFAULT_INSTITUTION_CAPACITY = 6
DEFAULT_ENTERPRISE_CAPACITY = 3


@dataclass(frozen=True)
class Candidate:
    """A pair that could talk, with its best match score (an open need of the enterprise against a
    product of the institution) and whether the institution asked for it."""

    institution_id: int
    enterprise_id: int
    score: Decimal
    need_id: int | None = None
    preferred: bool = False


@dataclass(frozen=True)
class ProposedSlot:
    candidate: Candidate
    starts_at: dt.datetime
    ends_at: dt.datetime


def schedule(
    candidates: Iterable[Candidate],
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slot_minutes: int,
    institution_capacity: int,
    enterprise_capacity: int,
    capacities: dict[tuple[str, int], int] | None = None,
) -> list[ProposedSlot]:
    """Lay the candidates out on a grid of ``slot_minutes`` slots from ``starts_at`` to
    ``ends_at`` (greedy, best first; see the module's docstring). ``capacities`` overrides the
    default capacity of one participant: ``{("institution", 3): 2, ("enterprise", 7): 1}``.

    A pure function: the property tests feed it arbitrary candidates."""
    capacities = capacities or {}
    step = dt.timedelta(minutes=slot_minutes)
    slot_count = int((ends_at - starts_at) / step)
    if slot_count <= 0:
        return []
    ordered = sorted(
        candidates,
        key=lambda c: (not c.preferred, -c.score, c.institution_id, c.enterprise_id),
    )
    busy: dict[tuple[str, int], set[int]] = defaultdict(set)
    seen_pairs: set[tuple[int, int]] = set()
    proposed = []
    for candidate in ordered:
        pair = (candidate.institution_id, candidate.enterprise_id)
        if pair in seen_pairs:
            continue
        seen_pairs.add(pair)
        bank = ("institution", candidate.institution_id)
        firm = ("enterprise", candidate.enterprise_id)
        if len(busy[bank]) >= capacities.get(bank, institution_capacity):
            continue
        if len(busy[firm]) >= capacities.get(firm, enterprise_capacity):
            continue
        taken = busy[bank] | busy[firm]
        index = next((i for i in range(slot_count) if i not in taken), None)
        if index is None:
            continue
        busy[bank].add(index)
        busy[firm].add(index)
        start = starts_at + index * step
        proposed.append(ProposedSlot(candidate=candidate, starts_at=start, ends_at=start + step))
    return proposed


# --- Who may talk -----------------------------------------------------------------------------


def will_talk_pairs(meeting: Meeting) -> set[tuple[int, int]]:
    """(institution id, enterprise id) pairs an institution marked "will talk to this enterprise"
    on the meeting's 推介清单. The scheduler puts these first."""
    return set(
        TalkInterest.objects.filter(meeting=meeting).values_list("institution_id", "enterprise_id")
    )


def _attending(meeting: Meeting):
    return MeetingInvitation.objects.filter(meeting=meeting).exclude(
        response=MeetingInvitation.Response.DECLINED
    )


def talk_participants(meeting: Meeting) -> tuple[QuerySet[Institution], QuerySet[Enterprise]]:
    """Institutions and enterprises with somebody invited who has not declined."""
    invited_users = _attending(meeting).values("user_id")
    institutions = Institution.objects.filter(
        officers__user_id__in=invited_users, officers__is_active=True
    ).distinct()
    enterprises = Enterprise.objects.filter(members__user_id__in=invited_users).distinct()
    return institutions.order_by("name"), enterprises.order_by("name")


def talk_candidates(meeting: Meeting) -> list[Candidate]:
    """Pairs of an invited institution (an officer invited who has not declined) and an invited
    enterprise (a member likewise) with a stored match score between one of the enterprise's open
    needs and one of the institution's products; the best need per pair."""
    invited_users = _attending(meeting).values("user_id")
    institution_ids = set(
        Officer.objects.filter(user_id__in=invited_users, is_active=True).values_list(
            "institution_id", flat=True
        )
    )
    enterprise_ids = set(
        EnterpriseMembership.objects.filter(user_id__in=invited_users).values_list(
            "enterprise_id", flat=True
        )
    )
    if not institution_ids or not enterprise_ids:
        return []
    preferred = will_talk_pairs(meeting)
    best: dict[tuple[int, int], Candidate] = {}
    rows = (
        Match.objects.filter(
            need__enterprise_id__in=enterprise_ids,
            need__status__in=OPEN_NEED_STATUSES,
            product__institution_id__in=institution_ids,
        )
        .order_by("-score", "need_id")
        .values_list("product__institution_id", "need__enterprise_id", "need_id", "score")
    )
    for institution_id, enterprise_id, need_id, score in rows:
        pair = (institution_id, enterprise_id)
        if pair not in best:
            best[pair] = Candidate(
                institution_id=institution_id,
                enterprise_id=enterprise_id,
                score=score,
                need_id=need_id,
                preferred=pair in preferred,
            )
    return list(best.values())


# --- The organiser's writes -------------------------------------------------------------------


def _check_organiser(meeting: Meeting, actor: User) -> None:
    if not (actor.is_authenticated and actor.is_finance_office):
        raise ServiceError(_("Only the finance office arranges a meeting's talks."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(_("This meeting was cancelled."))


def _lock_meeting(meeting: Meeting) -> Meeting:
    # Every change to a meeting's talks takes this lock, so two organisers adjusting at once
    # check the rules one after the other.
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _slot_minutes_check(slot_minutes: int) -> None:
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        raise ServiceError(
            _("A talk lasts %(low)d to %(high)d minutes.")
            % {"low": MIN_SLOT_MINUTES, "high": MAX_SLOT_MINUTES},
            field="slot_minutes",
        )


@transaction.atomic
def talk_plan_propose(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slot_minutes: int = DEFAULT_SLOT_MINUTES,
    institution_capacity: int = DEFAULT_INSTITUTION_CAPACITY,
    enterprise_capacity: int = DEFAULT_ENTERPRISE_CAPACITY,
) -> list[TalkSlot]:
    """(Re)propose the meeting's talks from the match scores; replaces every slot it had."""
    _check_organiser(meeting, actor)
    meeting = _lock_meeting(meeting)
    _slot_minutes_check(slot_minutes)
    if ends_at <= starts_at:
        raise ServiceError(_("The talks must end after they start."), field="ends_at")
    if institution_capacity < 1:
        raise ServiceError(_("Enter at least one talk."), field="institution_capacity")
    if enterprise_capacity < 1:
        raise ServiceError(_("Enter at least one talk."), field="enterprise_capacity")
    TalkPlan.objects.update_or_create(
        meeting=meeting,
        defaults={
            "starts_at": starts_at,
            "ends_at": ends_at,
            "slot_minutes": slot_minutes,
            "institution_capacity": institution_capacity,
            "enterprise_capacity": enterprise_capacity,
            "updated_by": actor,
        },
    )
    proposed = schedule(
        talk_candidates(meeting),
        starts_at=starts_at,
        ends_at=ends_at,
        slot_minutes=slot_minutes,
        institution_capacity=institution_capacity,
        enterprise_capacity=enterprise_capacity,
    )
    TalkSlot.objects.filter(meeting=meeting).delete()
    slots = TalkSlot.objects.bulk_create(
        TalkSlot(
            meeting=meeting,
            institution_id=p.candidate.institution_id,
            enterprise_id=p.candidate.enterprise_id,
            need_id=p.candidate.need_id,
            score=p.candidate.score,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            created_by=actor,
        )
        for p in proposed
    )
    audit_record(
        obj=meeting,
        action="talks_proposed",
        actor=actor,
        note=_("%(count)d talks proposed") % {"count": len(slots)},
    )
    return slots


def _plan(meeting: Meeting) -> TalkPlan:
    plan = TalkPlan.objects.filter(meeting=meeting).first()
    if plan is None:
        raise ServiceError(_("Propose the talks first: that sets their length and capacities."))
    return plan


def _rules_check(
    *,
    meeting: Meeting,
    plan: TalkPlan,
    institution_id: int,
    enterprise_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    sub_venue: SubVenue | None,
    exclude_pk: int | None = None,
) -> None:
    """The rules every slot keeps: no overlap for the institution nor the enterprise, the
    capacities of both, one talk per pair, and a venue of this meeting."""
    others = TalkSlot.objects.filter(meeting=meeting).exclude(pk=exclude_pk)
    if sub_venue is not None and sub_venue.meeting_id != meeting.pk:
        raise ServiceError(_("This venue belongs to another meeting."), field="sub_venue")
    if others.filter(institution_id=institution_id, enterprise_id=enterprise_id).exists():
        raise ServiceError(_("These two already have a talk."), field="enterprise")
    overlapping = others.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if overlapping.filter(institution_id=institution_id).exists():
        raise ServiceError(_("The institution already has a talk at that time."), field="starts_at")
    if overlapping.filter(enterprise_id=enterprise_id).exists():
        raise ServiceError(_("The enterprise already has a talk at that time."), field="starts_at")
    if others.filter(institution_id=institution_id).count() >= plan.institution_capacity:
        raise ServiceError(
            _("The institution has no talk left (%(count)d at most).")
            % {"count": plan.institution_capacity},
            field="institution",
        )
    if others.filter(enterprise_id=enterprise_id).count() >= plan.enterprise_capacity:
        raise ServiceError(
            _("The enterprise has no talk left (%(count)d at most).")
            % {"count": plan.enterprise_capacity},
            field="enterprise",
        )


@transaction.atomic
def talk_slot_add(
    *,
    meeting: Meeting,
    actor: User,
    institution: Institution,
    enterprise: Enterprise,
    starts_at: dt.datetime,
    sub_venue: SubVenue | None = None,
) -> TalkSlot:
    _check_organiser(meeting, actor)
    meeting = _lock_meeting(meeting)
    plan = _plan(meeting)
    ends_at = starts_at + dt.timedelta(minutes=plan.slot_minutes)
    _rules_check(
        meeting=meeting,
        plan=plan,
        institution_id=institution.pk,
        enterprise_id=enterprise.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        sub_venue=sub_venue,
    )
    best = next(
        (
            c
            for c in talk_candidates(meeting)
            if (c.institution_id, c.enterprise_id) == (institution.pk, enterprise.pk)
        ),
        None,
    )
    slot = TalkSlot.objects.create(
        meeting=meeting,
        institution=institution,
        enterprise=enterprise,
        need_id=best.need_id if best else None,
        score=best.score if best else None,
        starts_at=starts_at,
        ends_at=ends_at,
        sub_venue=sub_venue,
        created_by=actor,
    )
    audit_record(obj=slot, action="created", actor=actor, thread=meeting)
    return slot


@transaction.atomic
def talk_slot_move(
    *, slot: TalkSlot, actor: User, starts_at: dt.datetime, sub_venue: SubVenue | None = None
) -> TalkSlot:
    meeting = slot.meeting
    _check_organiser(meeting, actor)
    meeting = _lock_meeting(meeting)
    slot = TalkSlot.objects.get(pk=slot.pk)
    length = slot.ends_at - slot.starts_at
    _rules_check(
        meeting=meeting,
        plan=_plan(meeting),
        institution_id=slot.institution_id,
        enterprise_id=slot.enterprise_id,
        starts_at=starts_at,
        ends_at=starts_at + length,
        sub_venue=sub_venue,
        exclude_pk=slot.pk,
    )
    before = slot.starts_at
    slot.starts_at, slot.ends_at, slot.sub_venue = starts_at, starts_at + length, sub_venue
    slot.save(update_fields=["starts_at", "ends_at", "sub_venue"])
    audit_record(
        obj=slot,
        action="moved",
        actor=actor,
        from_state=before.isoformat(timespec="minutes"),
        to_state=starts_at.isoformat(timespec="minutes"),
        thread=meeting,
    )
    return slot


@transaction.atomic
def talk_slot_remove(*, slot: TalkSlot, actor: User) -> None:
    _check_organiser(slot.meeting, actor)
    _lock_meeting(slot.meeting)
    audit_record(obj=slot, action="removed", actor=actor, thread=slot.meeting)
    TalkSlot.objects.filter(pk=slot.pk).delete()


# --- Reads ------------------------------------------------------------------------------------


def meeting_talk_slots(meeting: Meeting) -> QuerySet[TalkSlot]:
    return TalkSlot.objects.filter(meeting=meeting).select_related(
        "institution", "enterprise", "need", "sub_venue"
    )


def _participant_q(user: User) -> Q | None:
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    if officer is not None and officer.is_active:
        return Q(institution_id=officer.institution_id)
    membership = getattr(user, "enterprise_membership", None) if user.is_authenticated else None
    if membership is not None:
        return Q(enterprise_id=membership.enterprise_id)
    return None


def slots_for_user(meeting: Meeting, user: User) -> QuerySet[TalkSlot]:
    """The talks a person sits in at this meeting: an officer's institution's, an enterprise
    member's enterprise's; none for anybody else. The reminders put these in their mail and .ics."""
    where = _participant_q(user)
    if where is None:
        return TalkSlot.objects.none()
    return meeting_talk_slots(meeting).filter(where)


def upcoming_slots_for_user(user: User, *, now: dt.datetime) -> QuerySet[TalkSlot]:
    """The person's talks at meetings still to come, for their home page."""
    where = _participant_q(user)
    if where is None:
        return TalkSlot.objects.none()
    return _upcoming(where, now=now)


def upcoming_slots_for_enterprise(*, enterprise_id: int, now: dt.datetime) -> QuerySet[TalkSlot]:
    return _upcoming(Q(enterprise_id=enterprise_id), now=now)


def _upcoming(where: Q, *, now: dt.datetime) -> QuerySet[TalkSlot]:
    return (
        TalkSlot.objects.filter(where, ends_at__gte=now)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting", "institution", "enterprise", "sub_venue")
        .order_by("starts_at")
    )
