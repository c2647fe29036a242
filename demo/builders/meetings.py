"""Demo meetings: the 2022 meeting with its on-site agreements (7.48亿元) and the next one."""

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.money import WAN
from core.reference import Collateral
from core.workdays import working_day_deadline
from demo.data import DEMO_LOGINS, DISTRICT, ON_SITE_AGREEMENTS_WAN, ON_SITE_TOTAL, PURPOSES
from enterprises.models import OPEN_NEED_STATUSES, FinancingNeed, Project
from leads.models import Disbursement, Lead, LoanAgreement
from meetings import services as meeting_services
from meetings.models import (
    DEFAULT_REMINDER_OFFSETS,
    MAX_REMINDER_OFFSET_MINUTES,
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    SubVenue,
)
from meetings.reminders import meeting_reminder_offsets_set
from meetings.selectors import presented_list_for_institution

from .accounts import tz

# The quarterly 座谈会: seats in the hall, enterprises invited, needs and projects on the list.
DEMO_CAPACITY = 45
INVITED_ENTERPRISES = 12
PRESENTED_NEEDS = 6
PRESENTED_PROJECTS = 2

P, SEC = LoanAgreement.Purpose, LoanAgreement.Security
# The spread of the meeting's loans, as the finance office reported them: mostly new loans,
# a fifth renewals; credit and guarantee loans ahead of mortgages; one in four a first loan.
AGREEMENT_PURPOSES = [P.NEW, P.NEW, P.RENEWAL, P.NEW, P.RENEWAL_NO_PRINCIPAL, P.NEW, P.NEW]
AGREEMENT_SECURITIES = [SEC.CREDIT, SEC.GUARANTEE, SEC.MORTGAGE, SEC.CREDIT, SEC.PLEDGE]


def build_2022_meeting(enterprises, institutions, officers, finance, rng):
    zone = tz()
    meeting, _ = Meeting.objects.get_or_create(
        title="2022年全区政银企对接会",
        defaults={
            "kind": Meeting.Kind.MATCHMAKING,
            "starts_at": dt.datetime(2022, 6, 16, 9, 30, tzinfo=zone),
            "ends_at": dt.datetime(2022, 6, 16, 12, 0, tzinfo=zone),
            "location": f"{DISTRICT}行政中心三楼会议室",
            "agenda": "一、发改局、工信局推介项目企业融资需求；二、企业家、银行代表交流发言；"
            "三、现场签约；四、区领导讲话。",
            "status": Meeting.Status.HELD,
            "organizer": finance,
        },
    )
    assert sum(ON_SITE_AGREEMENTS_WAN) * WAN == ON_SITE_TOTAL
    venues = build_2022_venues(meeting)
    signed_at = meeting.starts_at
    for index, amount_wan in enumerate(ON_SITE_AGREEMENTS_WAN):
        enterprise = enterprises[(index * 3) % 45]
        inst_index = index % 6  # the six banks signed on site
        institution, officer = institutions[inst_index], officers[inst_index]
        contract_number = _contract_number(index)
        if LoanAgreement.objects.filter(
            institution=institution, contract_number=contract_number
        ).exists():
            continue
        amount = Decimal(amount_wan) * WAN
        term = rng.choice([12, 24, 36, 60])
        need = FinancingNeed.objects.create(
            enterprise=enterprise,
            amount=amount,
            term_months=term,
            purpose=PURPOSES[index % len(PURPOSES)],
            collateral=[Collateral.REAL_ESTATE],
            max_rate=Decimal("5.00"),
            loan_kind=FinancingNeed.LoanKind.NEW,
            status=FinancingNeed.Status.SIGNED,
            submitted_at=signed_at - dt.timedelta(days=30),
        )
        # The meeting's paper records, entered as history at the times they happened.
        for from_status, to_status, note, at in (
            ("draft", "submitted", "", need.submitted_at),
            (
                "submitted",
                "in_progress",
                institution.short_name,
                need.submitted_at + dt.timedelta(days=3),
            ),
            ("in_progress", "signed", meeting.title, signed_at),
        ):
            audit_record(
                obj=need,
                action="status",
                from_state=from_status,
                to_state=to_status,
                note=note,
                at=at,
            )
        lead = Lead.objects.create(
            need=need,
            institution=institution,
            score=Decimal(80 + index % 15),
            status=Lead.Status.SIGNED,
            assigned_to=officer,
            received_at=signed_at - dt.timedelta(days=28),
            contact_due_at=working_day_deadline(signed_at - dt.timedelta(days=28), 3),
            first_contacted_at=signed_at - dt.timedelta(days=27),
        )
        audit_record(
            obj=lead,
            action="status",
            actor=officer.user,
            from_state=Lead.Status.APPROVED,
            to_state=Lead.Status.SIGNED,
            note=meeting.title,
            thread=need,
            at=signed_at,
        )
        LoanAgreement.objects.create(
            lead=lead,
            institution=institution,
            amount=amount,
            rate=Decimal("3.85") + Decimal(index % 5) / 10,
            term_months=term,
            signed_on=signed_at.date(),
            contract_number=contract_number,
            meeting=meeting,
            sub_venue=venues[_venue_of(index)],
            purpose=AGREEMENT_PURPOSES[index % len(AGREEMENT_PURPOSES)],
            security=AGREEMENT_SECURITIES[index % len(AGREEMENT_SECURITIES)],
            first_loan=index % 4 == 1,
            recorded_by=officer.user,
        )
    _place_and_disburse(meeting, venues, institutions, officers)
    _answer_invitations(meeting, officers)


# The 2022 meeting's venues: the main hall and two towns' halls, linked by video.
VENUES_2022 = [
    ("主会场", True, "清溪区行政中心三楼会议室", 200),
    ("工业园区分会场", False, "清溪区工业园区管委会二楼会议室", 80),
    ("白鹤镇分会场", False, "白鹤镇人民政府一楼会议室", 60),
]


def _venue_of(index: int) -> int:
    """The six largest agreements were signed in the main hall, the next five in the industrial
    park, the rest in 白鹤镇 (ON_SITE_AGREEMENTS_WAN is sorted by amount)."""
    return 0 if index < 6 else (1 if index < 11 else 2)


def build_2022_venues(meeting) -> list[SubVenue]:
    venues = []
    for position, (name, is_main, location, capacity) in enumerate(VENUES_2022):
        venue, _ = SubVenue.objects.get_or_create(
            meeting=meeting,
            name=name,
            defaults={
                "is_main": is_main,
                "location": location,
                "capacity": capacity,
                "position": position,
            },
        )
        venues.append(venue)
    return venues


# Disbursements since the meeting: (agreement index, days after signing, share of the amount).
# The three smallest have not been paid out: the follow-up page shows them waiting.
DISBURSEMENTS_2022 = [
    (0, 12, Decimal("0.60")),
    (0, 45, Decimal("0.40")),
    (1, 20, Decimal("1")),
    (2, 15, Decimal("1")),
    (3, 30, Decimal("0.50")),
    (4, 25, Decimal("1")),
    (5, 18, Decimal("1")),
    (6, 40, Decimal("1")),
    (7, 22, Decimal("1")),
    (8, 35, Decimal("1")),
    (9, 60, Decimal("1")),
    (10, 28, Decimal("1")),
    (11, 33, Decimal("1")),
    (12, 50, Decimal("1")),
]


def _contract_number(index: int) -> str:
    return f"QX2022-{index % 6 + 1:02d}-{index + 1:03d}"


def _place_and_disburse(meeting, venues, institutions, officers):
    """Every on-site agreement has its venue and the payments made since (idempotent: an
    agreement that has any payment recorded is left alone)."""
    agreements = {
        a.contract_number: a
        for a in LoanAgreement.objects.filter(meeting=meeting).select_related("institution")
    }
    for index in range(len(ON_SITE_AGREEMENTS_WAN)):
        agreement = agreements.get(_contract_number(index))
        if agreement is not None and agreement.sub_venue_id is None:
            agreement.sub_venue = venues[_venue_of(index)]
            agreement.save(update_fields=["sub_venue"])
    paid = set(
        Disbursement.objects.filter(agreement__meeting=meeting).values_list(
            "agreement_id", flat=True
        )
    )
    for index, days, share in DISBURSEMENTS_2022:
        agreement = agreements.get(_contract_number(index))
        if agreement is None or agreement.pk in paid:
            continue
        Disbursement.objects.create(
            agreement=agreement,
            amount=(agreement.amount * share).quantize(Decimal("0.01")),
            disbursed_on=agreement.signed_on + dt.timedelta(days=days),
            recorded_by=officers[index % 6].user,
        )


def _answer_invitations(meeting, officers):
    """Every institution's officer was invited; all came but the last, who sent a colleague's
    apologies. The development and reform bureau came too."""
    answered_at = meeting.starts_at - dt.timedelta(days=5)
    invitees = [(o.user, index < len(officers) - 1) for index, o in enumerate(officers)]
    bureau = User.objects.filter(username="fagaiju").first()
    if bureau is not None:
        invitees.append((bureau, True))
    for user, accepted in invitees:
        MeetingInvitation.objects.get_or_create(
            meeting=meeting,
            user=user,
            defaults={
                "response": MeetingInvitation.Response.ACCEPTED
                if accepted
                else MeetingInvitation.Response.DECLINED,
                "responded_at": answered_at,
            },
        )


def schedule_next_meeting(finance, institutions, enterprises, today: dt.date):
    """The regular quarterly 座谈会 as a series: its next occurrence on the third Thursday of the
    coming quarter's middle month, then every quarter for a year. The next one has its venues,
    invitations (some answered, the demo logins' still open), and its list of needs and key
    projects presented, with one institution's "will talk" mark."""
    zone = tz()
    quarter = (today.month - 1) // 3 + 1
    year, next_quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    title = "政银企座谈会（季度例会）"
    if MeetingSeries.objects.filter(title=title).exists():
        return
    month = (next_quarter - 1) * 3 + 2
    first = dt.date(year, month, 1)
    third_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)
    series = meeting_services.series_create(
        actor=finance,
        title=title,
        kind=Meeting.Kind.SYMPOSIUM,
        rule=MeetingSeries.Rule.QUARTERLY,
        first_date=third_thursday,
        start_time=dt.time(9, 30),
        duration_minutes=120,
        generate_until=third_thursday + dt.timedelta(days=300),
        location=f"{DISTRICT}金融服务中心一楼会议室",
        agenda="一、通报融资需求对接进展；二、金融机构发布新产品；三、现场对接签约。",
        capacity=DEMO_CAPACITY,
    )
    meeting = series.occurrences.order_by("starts_at").first()
    meeting.title = f"{year}年第{'一二三四'[next_quarter - 1]}季度政银企座谈会"
    meeting.save(update_fields=["title"])
    # The organiser announced the meeting as the quarter began ("save the date", whole days
    # before the start), then the usual week, day and two hours: the announcement is due as soon
    # as the demo runs, so `make run` shows reminders going out (once) on beat's first pass.
    announce_days = math.ceil((meeting.starts_at - timezone.now()) / dt.timedelta(days=1))
    offsets = list(DEFAULT_REMINDER_OFFSETS)
    if announce_days * 24 * 60 > max(offsets):
        offsets.insert(0, min(announce_days * 24 * 60, MAX_REMINDER_OFFSET_MINUTES))
    meeting_reminder_offsets_set(meeting=meeting, actor=finance, offsets=offsets)
    assert meeting.starts_at.astimezone(zone).date() == third_thursday
    hall = meeting_services.venue_save(
        meeting=meeting, actor=finance, name="主会场", is_main=True, capacity=30, position=0
    )
    meeting_services.venue_save(
        meeting=meeting,
        actor=finance,
        name="分会场（工业园区）",
        location=f"{DISTRICT}工业园区管委会二楼",
        capacity=DEMO_CAPACITY - 30,
        position=1,
    )
    with_needs = [e for e in enterprises if e.needs.filter(status__in=OPEN_NEED_STATUSES).exists()]
    bureau = User.objects.filter(role=User.Role.GOVERNMENT).exclude(pk=finance.pk)
    meeting_services.meeting_invite(
        meeting=meeting,
        actor=finance,
        institutions=institutions,
        enterprises=with_needs[:INVITED_ENTERPRISES],
        government_users=list(bureau),
    )
    # Some answers are in; the demo logins' invitations stay open so they can answer themselves.
    demo_usernames = {login.username for login in DEMO_LOGINS}
    invitations = list(
        meeting.invitations.exclude(user__username__in=demo_usernames)
        .select_related("user")
        .order_by("user__username")
    )
    for index, invitation in enumerate(invitations):
        if index % 2 == 0:
            meeting_services.invitation_respond(
                invitation=invitation, by=invitation.user, attend=True, sub_venue=hall
            )
        elif index % 5 == 1:
            meeting_services.invitation_respond(
                invitation=invitation,
                by=invitation.user,
                attend=False,
                substitute_name="王副行长" if invitation.via_institution_id else "",
            )
    for need in FinancingNeed.objects.filter(
        enterprise__in=with_needs[:INVITED_ENTERPRISES], status__in=OPEN_NEED_STATUSES
    ).order_by("pk")[:PRESENTED_NEEDS]:
        meeting_services.presented_item_add(meeting=meeting, actor=finance, need=need)
    for project in Project.objects.filter(is_key_project=True, archived_at__isnull=True).order_by(
        "pk"
    )[:PRESENTED_PROJECTS]:
        meeting_services.presented_item_add(meeting=meeting, actor=finance, project=project)
    second_bank = institutions[1].officers.filter(is_active=True).first()
    visible = presented_list_for_institution(meeting=meeting, institution=institutions[1])
    if visible and second_bank is not None:
        meeting_services.talk_interest_set(
            meeting=meeting,
            enterprise_id=visible[0].enterprise.pk,
            actor=second_bank.user,
            interested=True,
        )
