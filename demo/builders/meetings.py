"""Demo meetings: the 2022 meeting with its on-site agreements (7.48亿元) and the next one."""

import datetime as dt
from decimal import Decimal

from core.audit import audit_record
from core.money import WAN
from core.reference import Collateral
from core.workdays import working_day_deadline
from demo.data import DISTRICT, ON_SITE_AGREEMENTS_WAN, ON_SITE_TOTAL, PURPOSES
from enterprises.models import FinancingNeed
from leads.models import Lead, LoanAgreement
from meetings.models import Meeting

from .accounts import tz

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
    signed_at = meeting.starts_at
    for index, amount_wan in enumerate(ON_SITE_AGREEMENTS_WAN):
        enterprise = enterprises[(index * 3) % 45]
        inst_index = index % 6  # the six banks signed on site
        institution, officer = institutions[inst_index], officers[inst_index]
        contract_number = f"QX2022-{inst_index + 1:02d}-{index + 1:03d}"
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
            purpose=AGREEMENT_PURPOSES[index % len(AGREEMENT_PURPOSES)],
            security=AGREEMENT_SECURITIES[index % len(AGREEMENT_SECURITIES)],
            first_loan=index % 4 == 1,
            recorded_by=officer.user,
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
