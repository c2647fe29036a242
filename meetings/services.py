"""Writes of the meetings app: meetings and series, venues, invitations and answers, the list of
needs and projects presented (推介清单) and institutions' "we will talk to them" marks.

Every function takes the acting user and checks who may act; each runs in one transaction and
leaves an audit row. Invitees, the e-mail and the reminders hear of changes through
``meetings.signals.meeting_changed``, sent after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notice, User
from accounts.services import notices_send
from banks.models import Institution, Officer
from core.audit import audit_record, audit_record_many
from core.errors import ServiceError
from core.models import AuditEvent
from enterprises.models import (
    OPEN_NEED_STATUSES,
    Enterprise,
    EnterpriseMembership,
    FinancingNeed,
    Project,
)

from .models import (
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    PresentedItem,
    SubVenue,
    TalkInterest,
)
from .recurrence import series_dates
from .selectors import institution_is_invited, institution_may_see_item, institution_of
from .signals import MEETING_CANCELLED, MEETING_RESCHEDULED, MEETING_UPDATED, meeting_changed

# A series generates at most this far ahead, so one form cannot create thousands of rows.
MAX_HORIZON = dt.timedelta(days=2 * 366)
# The signed answer link in an e-mail works this long; reminders carry a fresh one.
RSVP_LINK_MAX_AGE = dt.timedelta(days=30)
RSVP_LINK_SALT = "meetings.rsvp"

Action = AuditEvent.Action

Response = MeetingInvitation.Response

# Fields an organiser may change on an occurrence (and, for "this and the following", on the series).
EDITABLE_FIELDS = (
    "title",
    "kind",
    "institution",
    "location",
    "online_link",
    "organiser_department",
    "agenda",
    "capacity",
)
# Changes invitees must hear about; an organiser's department or the capacity are internal.
VISIBLE_FIELDS = {"title", "location", "online_link", "agenda", "kind", "institution"}


_CHANGE_NOTES = {
    MEETING_RESCHEDULED: gettext_lazy("time changed"),
    MEETING_UPDATED: gettext_lazy("details changed"),
}


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def _require_organiser(actor) -> None:
    if not (actor is not None and actor.is_authenticated and actor.is_finance_office):
        raise ServiceError(_("Only the finance office organises meetings."))


def _require_editable(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError(_("This meeting was held or cancelled; it can no longer be changed."))


def _check_details(*, kind, institution, location, online_link, starts_at=None, ends_at=None):
    if kind == Meeting.Kind.BANK_EVENT and institution is None:
        raise ServiceError(
            _("A bank-specific event names the institution holding it."), field="institution"
        )
    if not (location or "").strip() and not (online_link or "").strip():
        raise ServiceError(_("Give a place or an online link."), field="location")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ServiceError(_("The meeting must end after it starts."), field="ends_at")


def _announce(meeting: Meeting, kind: str) -> None:
    transaction.on_commit(lambda: meeting_changed.send(sender=Meeting, meeting=meeting, kind=kind))


# --- Meetings and series -------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    online_link: str = "",
    institution: Institution | None = None,
    organiser_department: str = "",
    agenda: str = "",
    capacity: int | None = None,
) -> Meeting:
    _require_organiser(actor)
    _check_details(
        kind=kind,
        institution=institution,
        location=location,
        online_link=online_link,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if starts_at < timezone.now():
        raise ServiceError(_("A new meeting cannot start in the past."), field="starts_at")
    meeting = Meeting.objects.create(
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_link=online_link,
        institution=institution if kind == Meeting.Kind.BANK_EVENT else None,
        organiser_department=organiser_department or actor.department,
        agenda=agenda,
        capacity=capacity,
        organizer=actor,
    )
    audit_record(obj=meeting, action=Action.CREATED, actor=actor, to_state=meeting.status)
    return meeting


@transaction.atomic
def series_create(
    *,
    actor: User,
    title: str,
    kind: str,
    rule: str,
    first_date: dt.date,
    start_time: dt.time,
    duration_minutes: int,
    generate_until: dt.date,
    interval_weeks: int | None = None,
    location: str = "",
    online_link: str = "",
    institution: Institution | None = None,
    organiser_department: str = "",
    agenda: str = "",
    capacity: int | None = None,
) -> MeetingSeries:
    """Create a series and its occurrences up to ``generate_until``."""
    _require_organiser(actor)
    _check_details(kind=kind, institution=institution, location=location, online_link=online_link)
    if rule == MeetingSeries.Rule.EVERY_N_WEEKS and not interval_weeks:
        raise ServiceError(_("Say every how many weeks."), field="interval_weeks")
    if duration_minutes < 1:
        raise ServiceError(_("The meeting must last at least a minute."), field="duration_minutes")
    if first_date < timezone.localdate():
        raise ServiceError(_("The first date cannot be in the past."), field="first_date")
    series = MeetingSeries.objects.create(
        title=title,
        kind=kind,
        institution=institution if kind == Meeting.Kind.BANK_EVENT else None,
        rule=rule,
        interval_weeks=interval_weeks if rule == MeetingSeries.Rule.EVERY_N_WEEKS else None,
        first_date=first_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        generate_until=first_date,
        location=location,
        online_link=online_link,
        organiser_department=organiser_department or actor.department,
        agenda=agenda,
        capacity=capacity,
        organizer=actor,
    )
    audit_record(obj=series, action=Action.CREATED, actor=actor, note=series.get_rule_display())
    series_generate(series=series, actor=actor, until=generate_until)
    return series


def _occurrence_times(series: MeetingSeries, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    starts_at = dt.datetime.combine(day, series.start_time, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return starts_at, starts_at + dt.timedelta(minutes=series.duration_minutes)


@transaction.atomic
def series_generate(*, series: MeetingSeries, actor: User | None, until: dt.date) -> list[Meeting]:
    """Create the occurrences the rule gives up to ``until`` that do not exist yet.

    Safe to run twice: an occurrence is known by its slot (the date the rule gave it), so one that
    was moved or cancelled is not created again. ``actor=None`` is the system (a scheduled job
    extending every series)."""
    if actor is not None:
        _require_organiser(actor)
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if until < series.first_date:
        raise ServiceError(_("Generate until a date after the first one."), field="generate_until")
    if until - series.first_date > MAX_HORIZON:
        raise ServiceError(
            _("A series is generated at most two years ahead."), field="generate_until"
        )
    existing = set(series.occurrences.values_list("series_slot", flat=True))
    now = timezone.now()
    created = []
    for day in series_dates(
        rule=series.rule,
        first_date=series.first_date,
        until=until,
        interval_weeks=series.interval_weeks,
    ):
        if day in existing:
            continue
        starts_at, ends_at = _occurrence_times(series, day)
        if starts_at < now:
            continue
        created.append(
            Meeting(
                series=series,
                series_slot=day,
                title=series.title,
                kind=series.kind,
                institution=series.institution,
                starts_at=starts_at,
                ends_at=ends_at,
                location=series.location,
                online_link=series.online_link,
                organiser_department=series.organiser_department,
                agenda=series.agenda,
                capacity=series.capacity,
                organizer=series.organizer,
            )
        )
    created = Meeting.objects.bulk_create(created)
    if until > series.generate_until:
        series.generate_until = until
        series.save(update_fields=["generate_until"])
    audit_record_many(objs=created, action=Action.CREATED, actor=actor, to_state="scheduled")
    return created


def _apply(meeting: Meeting, changes: dict, starts_at, ends_at) -> str | None:
    """Set the changes on one occurrence; the kind of change invitees hear of, or None."""
    kind = None
    if (meeting.starts_at, meeting.ends_at) != (starts_at, ends_at):
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
        kind = MEETING_RESCHEDULED
    for name, value in changes.items():
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            if kind is None and name in VISIBLE_FIELDS:
                kind = MEETING_UPDATED
    if kind is not None:
        meeting.sequence += 1
    return kind


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    following: bool = False,
    **changes,
) -> list[Meeting]:
    """Change one occurrence, or (``following=True``) this one and every later scheduled one of
    its series, which also changes what the series generates from now on.

    For the following occurrences the start moves by the same amount as this one's and each lasts
    as long as this one now does. Returns the occurrences changed."""
    _require_organiser(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    merged = {name: changes.get(name, getattr(meeting, name)) for name in EDITABLE_FIELDS}
    _check_details(
        kind=merged["kind"],
        institution=merged["institution"],
        location=merged["location"],
        online_link=merged["online_link"],
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if merged["kind"] != Meeting.Kind.BANK_EVENT:
        changes["institution"] = None
    if starts_at != meeting.starts_at and starts_at < timezone.now():
        raise ServiceError(_("A meeting cannot be moved into the past."), field="starts_at")
    shift = starts_at - meeting.starts_at
    duration = ends_at - starts_at
    if following and meeting.series_id:
        targets = list(
            Meeting.objects.select_for_update()
            .filter(
                series_id=meeting.series_id,
                status=Meeting.Status.SCHEDULED,
                starts_at__gte=meeting.starts_at,
            )
            .order_by("starts_at")
        )
        series = MeetingSeries.objects.select_for_update().get(pk=meeting.series_id)
        for name, value in changes.items():
            setattr(series, name, value)
        series.start_time = _local(starts_at).time().replace(tzinfo=None)
        series.duration_minutes = max(1, int(duration.total_seconds() // 60))
        series.save()
        audit_record(
            obj=series, action=Action.CHANGED, actor=actor, note=_("this and the following")
        )
    else:
        targets = [meeting]
    changed = []
    for target in targets:
        new_start = starts_at if target.pk == meeting.pk else target.starts_at + shift
        kind = _apply(target, dict(changes), new_start, new_start + duration)
        target.save()
        changed.append(target)
        audit_record(
            obj=target, action=Action.CHANGED, actor=actor, note=str(_CHANGE_NOTES.get(kind, ""))
        )
        if kind is not None:
            _announce(target, kind)
        _promote_waiting(target)
    return changed


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User, reason: str = "") -> Meeting:
    """Cancel one occurrence (the rest of its series stays)."""
    _require_organiser(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence"])
    audit_record(
        obj=meeting,
        action=Action.STATUS,
        actor=actor,
        from_state=Meeting.Status.SCHEDULED,
        to_state=Meeting.Status.CANCELLED,
        note=reason,
    )
    _announce(meeting, MEETING_CANCELLED)
    return meeting


# --- Venues -------------------------------------------------------------------------------------


@transaction.atomic
def venue_save(
    *,
    meeting: Meeting,
    actor: User,
    name: str,
    is_main: bool = False,
    location: str = "",
    capacity: int | None = None,
    position: int = 0,
    venue: SubVenue | None = None,
) -> SubVenue:
    """Add a venue to a meeting, or change one (``venue``). One venue at most is the main one."""
    _require_organiser(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    if venue is not None and venue.meeting_id != meeting.pk:
        raise ServiceError(_("This venue belongs to another meeting."))
    name = name.strip()
    clash = meeting.sub_venues.filter(name=name)
    if venue is not None:
        clash = clash.exclude(pk=venue.pk)
    if clash.exists():
        raise ServiceError(_("This meeting already has a venue of that name."), field="name")
    if is_main:
        meeting.sub_venues.filter(is_main=True).exclude(
            pk=venue.pk if venue is not None else None
        ).update(is_main=False)
    created = venue is None
    venue = venue or SubVenue(meeting=meeting)
    venue.name, venue.is_main, venue.location = name, is_main, location
    venue.capacity, venue.position = capacity, position
    venue.save()
    audit_record(
        obj=venue, action=Action.CREATED if created else Action.CHANGED, actor=actor, thread=meeting
    )
    _promote_waiting(meeting)
    return venue


@transaction.atomic
def venue_delete(*, venue: SubVenue, actor: User) -> None:
    _require_organiser(actor)
    meeting = Meeting.objects.select_for_update().get(pk=venue.meeting_id)
    _require_editable(meeting)
    audit_record(obj=venue, action=Action.CHANGED, actor=actor, thread=meeting, note=_("removed"))
    venue.delete()
    _promote_waiting(meeting)


# --- Invitations --------------------------------------------------------------------------------


def rsvp_link(invitation: MeetingInvitation) -> str:
    """The absolute address where the invitee answers without logging in (signed, expires after
    ``RSVP_LINK_MAX_AGE``). For e-mails; each call signs a fresh link."""
    token = signing.dumps(
        {"i": invitation.pk, "u": invitation.user_id}, salt=RSVP_LINK_SALT, compress=True
    )
    return settings.PORTAL_BASE_URL + reverse("meetings:answer_by_link", args=[token])


class RsvpLinkExpired(Exception):
    pass


class RsvpLinkInvalid(Exception):
    pass


def invitation_from_link(token: str) -> MeetingInvitation:
    """The invitation a signed link names; ``RsvpLinkExpired`` or ``RsvpLinkInvalid`` otherwise."""
    try:
        data = signing.loads(token, salt=RSVP_LINK_SALT, max_age=RSVP_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise RsvpLinkExpired from error
    except signing.BadSignature as error:
        raise RsvpLinkInvalid from error
    try:
        return MeetingInvitation.objects.select_related("meeting", "user").get(
            pk=data["i"], user_id=data["u"]
        )
    except (MeetingInvitation.DoesNotExist, KeyError, TypeError) as error:
        raise RsvpLinkInvalid from error


def _invitation_notices(invitations: list[MeetingInvitation], meeting: Meeting):
    when = _local(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    title = _("Invitation: %(title)s") % {"title": meeting.title}
    for invitation in invitations:
        body = _(
            "You are invited to %(title)s on %(when)s at %(place)s. Please say whether you will "
            "attend. Answer without logging in: %(link)s"
        ) % {
            "title": meeting.title,
            "when": when,
            "place": meeting.location or meeting.online_link,
            "link": rsvp_link(invitation),
        }
        yield Notice(
            user=invitation.user,
            title=title,
            body=body,
            url=reverse("meetings:detail", args=[meeting.pk]),
        )


@transaction.atomic
def meeting_invite(
    *,
    meeting: Meeting,
    actor: User,
    institutions: Iterable[Institution] = (),
    officers: Iterable[Officer] = (),
    enterprises: Iterable[Enterprise] = (),
    government_users: Iterable[User] = (),
) -> list[MeetingInvitation]:
    """Invite all active officers of ``institutions``, the named ``officers``, every member of
    ``enterprises`` and the named government staff. People already invited are left as they are.
    Each new invitee gets a notice (and e-mail) with a signed answer link. Returns the new rows."""
    _require_organiser(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_open_for_answers:
        raise ServiceError(_("Invitations are only sent for meetings still to come."))
    wanted: dict[int, dict] = {}
    institution_ids = [i.pk for i in institutions]
    for officer in Officer.objects.filter(
        Q(institution_id__in=institution_ids) | Q(pk__in=[o.pk for o in officers]),
        is_active=True,
        user__is_active=True,
    ).only("user_id", "institution_id"):
        wanted.setdefault(officer.user_id, {"via_institution_id": officer.institution_id})
    for membership in EnterpriseMembership.objects.filter(
        enterprise_id__in=[e.pk for e in enterprises], user__is_active=True
    ).only("user_id", "enterprise_id"):
        wanted.setdefault(membership.user_id, {"via_enterprise_id": membership.enterprise_id})
    for user in government_users:
        if not user.is_government:
            raise ServiceError(_("Only government staff can be invited one by one."))
        wanted.setdefault(user.pk, {})
    already = set(
        meeting.invitations.filter(user_id__in=list(wanted)).values_list("user_id", flat=True)
    )
    new = MeetingInvitation.objects.bulk_create(
        [
            MeetingInvitation(meeting=meeting, user_id=user_id, invited_by=actor, **via)
            for user_id, via in wanted.items()
            if user_id not in already
        ]
    )
    if new:
        new = list(
            MeetingInvitation.objects.filter(pk__in=[i.pk for i in new]).select_related("user")
        )
        audit_record_many(objs=new, action=Action.CREATED, actor=actor, thread_of=lambda i: meeting)
        notices_send(notices=list(_invitation_notices(new, meeting)))
    return new


@transaction.atomic
def invitation_withdraw(*, invitation: MeetingInvitation, actor: User) -> None:
    _require_organiser(actor)
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    audit_record(
        obj=invitation, action=Action.CHANGED, actor=actor, thread=meeting, note=_("removed")
    )
    invitation.delete()
    _promote_waiting(meeting)


def _seats_taken(meeting: Meeting, *, venue_id=None, excluding=None) -> int:
    taken = meeting.invitations.filter(response=Response.ACCEPTED)
    if venue_id is not None:
        taken = taken.filter(sub_venue_id=venue_id)
    if excluding is not None:
        taken = taken.exclude(pk=excluding.pk)
    return taken.count()


def _has_room(meeting: Meeting, invitation: MeetingInvitation, venue: SubVenue | None) -> bool:
    if meeting.capacity is not None and _seats_taken(meeting, excluding=invitation) >= (
        meeting.capacity
    ):
        return False
    if venue is not None and venue.capacity is not None:
        return _seats_taken(meeting, venue_id=venue.pk, excluding=invitation) < venue.capacity
    return True


def _promote_waiting(meeting: Meeting) -> list[MeetingInvitation]:
    """Move people up from the waiting list, first come first served, while there is room.

    The caller holds the lock on the meeting row, so two declines at once cannot both give the
    same free seat away."""
    promoted = []
    waiting = (
        meeting.invitations.select_for_update(of=("self",))
        .filter(response=Response.WAITLISTED)
        .select_related("sub_venue", "user")
        .order_by("waitlist_position", "pk")
    )
    for invitation in waiting:
        if meeting.capacity is not None and _seats_taken(meeting) >= meeting.capacity:
            break
        if not _has_room(meeting, invitation, invitation.sub_venue):
            continue
        invitation.response = Response.ACCEPTED
        invitation.waitlist_position = None
        invitation.save(update_fields=["response", "waitlist_position"])
        audit_record(
            obj=invitation,
            action=Action.STATUS,
            from_state=Response.WAITLISTED,
            to_state=Response.ACCEPTED,
            note=_("moved up from the waiting list"),
            thread=meeting,
        )
        promoted.append(invitation)
    if promoted:
        notices_send(
            notices=[
                Notice(
                    user=i.user,
                    title=_("A seat is free: you are registered for %(title)s")
                    % {"title": meeting.title},
                    url=reverse("meetings:detail", args=[meeting.pk]),
                )
                for i in promoted
            ]
        )
    return promoted


@transaction.atomic
def invitation_respond(
    *,
    invitation: MeetingInvitation,
    by: User | None,
    attend: bool,
    substitute_name: str = "",
    sub_venue: SubVenue | None = None,
) -> MeetingInvitation:
    """The invitee's answer. ``by`` is the logged-in person, or None when the answer came through
    the signed e-mail link (which stands for the invitee).

    Accepting when the meeting or the chosen venue is full puts the invitee on the waiting list;
    a decline from someone holding a seat moves the first person waiting up. A declining invitee
    may name a substitute, whom the organiser then sees (the seat itself is freed)."""
    if by is not None and by.pk != invitation.user_id:
        raise ServiceError(_("Only the invitee can answer this invitation."))
    # Lock order: the meeting, then its invitations (as every writer here does).
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = MeetingInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not meeting.is_open_for_answers:
        raise ServiceError(_("This meeting is over or cancelled; answers are closed."))
    if sub_venue is not None and sub_venue.meeting_id != meeting.pk:
        raise ServiceError(_("Choose one of this meeting's venues."), field="sub_venue")
    previous, had_seat = invitation.response, invitation.response == Response.ACCEPTED
    if attend:
        venue_changed = invitation.sub_venue_id != (sub_venue.pk if sub_venue else None)
        invitation.sub_venue = sub_venue
        invitation.substitute_name = ""
        already_answered_yes = previous in (Response.ACCEPTED, Response.WAITLISTED)
        if venue_changed or not already_answered_yes:
            if _has_room(meeting, invitation, sub_venue):
                invitation.response = Response.ACCEPTED
                invitation.waitlist_position = None
            else:
                invitation.response = Response.WAITLISTED
                last = meeting.invitations.aggregate(last=Max("waitlist_position"))["last"] or 0
                invitation.waitlist_position = last + 1
    else:
        invitation.response = Response.DECLINED
        invitation.waitlist_position = None
        invitation.substitute_name = substitute_name.strip()
    invitation.responded_at = timezone.now()
    invitation.save()
    audit_record(
        obj=invitation,
        action=Action.STATUS,
        actor=by or invitation.user,
        from_state=previous,
        to_state=invitation.response,
        note=_("via the e-mail link") if by is None else invitation.substitute_name,
        thread=meeting,
    )
    if had_seat:
        _promote_waiting(meeting)
        invitation.refresh_from_db()
    return invitation


# --- Needs and projects presented (推介清单) -------------------------------------------------------


@transaction.atomic
def presented_item_add(
    *,
    meeting: Meeting,
    actor: User,
    need: FinancingNeed | None = None,
    project: Project | None = None,
) -> PresentedItem:
    _require_organiser(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    if (need is None) == (project is None):
        raise ServiceError(_("Choose a financing need or a key project."))
    if need is not None:
        if need.status not in OPEN_NEED_STATUSES:
            raise ServiceError(_("Only open financing needs can be presented."), field="need")
        if meeting.presented_items.filter(need=need).exists():
            raise ServiceError(_("This need is already on the list."), field="need")
    if project is not None:
        if not project.is_key_project or project.archived_at is not None:
            raise ServiceError(_("Only current key projects can be presented."), field="project")
        if meeting.presented_items.filter(project=project).exists():
            raise ServiceError(_("This project is already on the list."), field="project")
    last = meeting.presented_items.aggregate(last=Max("position"))["last"]
    item = PresentedItem.objects.create(
        meeting=meeting,
        need=need,
        project=project,
        position=0 if last is None else last + 1,
        added_by=actor,
    )
    audit_record(obj=item, action=Action.CREATED, actor=actor, thread=meeting)
    return item


@transaction.atomic
def presented_item_remove(*, item: PresentedItem, actor: User) -> None:
    _require_organiser(actor)
    audit_record(
        obj=item, action=Action.CHANGED, actor=actor, thread=item.meeting, note=_("removed")
    )
    item.delete()


@transaction.atomic
def talk_interest_set(
    *, meeting: Meeting, enterprise_id: int, actor: User, interested: bool
) -> TalkInterest | None:
    """An officer marks (or unmarks) "we will talk to this enterprise" for their institution."""
    institution = institution_of(actor)
    if institution is None or not institution_is_invited(meeting=meeting, institution=institution):
        raise ServiceError(_("Only officers of an invited institution can mark this."))
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ServiceError(_("This meeting was held or cancelled."))
    items = meeting.presented_items.select_related("need", "project").filter(
        Q(need__enterprise_id=enterprise_id) | Q(project__enterprise_id=enterprise_id)
    )
    if not any(institution_may_see_item(item=i, institution_id=institution.pk) for i in items):
        raise ServiceError(_("This enterprise is not on the list you can see."))
    existing = TalkInterest.objects.filter(
        meeting=meeting, institution=institution, enterprise_id=enterprise_id
    ).first()
    if interested and existing is None:
        existing = TalkInterest.objects.create(
            meeting=meeting, institution=institution, enterprise_id=enterprise_id, marked_by=actor
        )
        audit_record(obj=existing, action=Action.CREATED, actor=actor, thread=meeting)
        return existing
    if not interested and existing is not None:
        audit_record(
            obj=existing, action=Action.CHANGED, actor=actor, thread=meeting, note=_("removed")
        )
        existing.delete()
        return None
    return existing
