"""Demo meetings: the 2022 meeting with its on-site agreements (7.48亿元) and the next one."""

import datetime as dt
from decimal import Decimal

from accounts.models import User
from core.audit import audit_record
from core.money import WAN
from core.reference import Collateral
from core.workdays import working_day_deadline
from demo.data import DISTRICT, ON_SITE_AGREEMENTS_WAN, ON_SITE_TOTAL, PURPOSES
from enterprises.models import FinancingNeed
from leads.models import Disbursement, Lead, LoanAgreement
from meetings.models import Meeting, MeetingInvitation, SubVenue

from .accounts import tz


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


def schedule_next_meeting(finance, today: dt.date):
    """The next regular (quarterly) meeting: the third Thursday of the coming quarter's middle month."""
    zone = tz()
    quarter = (today.month - 1) // 3 + 1
    year, next_quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    title = f"{year}年第{'一二三四'[next_quarter - 1]}季度政银企座谈会"
    if Meeting.objects.filter(title=title).exists():
        return
    month = (next_quarter - 1) * 3 + 2
    first = dt.date(year, month, 1)
    third_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)
    Meeting.objects.create(
        title=title,
        kind=Meeting.Kind.SYMPOSIUM,
        starts_at=dt.datetime.combine(third_thursday, dt.time(9, 30), tzinfo=zone),
        ends_at=dt.datetime.combine(third_thursday, dt.time(11, 30), tzinfo=zone),
        location=f"{DISTRICT}金融服务中心一楼会议室",
        agenda="一、通报融资需求对接进展；二、金融机构发布新产品；三、现场对接签约。",
        status=Meeting.Status.SCHEDULED,
        recurrence=Meeting.Recurrence.QUARTERLY,
        organizer=finance,
    )
