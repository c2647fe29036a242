"""A meeting with agreements signed at two venues, for the report, board and follow-up tests.

Hand-computed figures (万元): A×E1 3,000 at the main venue, A×E2 1,500 at 白鹤镇, B×E3 500 at
the main venue; B×E1 2,000 at 白鹤镇 was voided; A signed 9,999 at another meeting. So the meeting
totals 5,000万元 in 3 agreements; A 4,500 (2), B 500 (1); main venue 3,500 (2), 白鹤镇 1,500 (1);
chain 新材料 (E1, E3) 3,500 (2), chain 绿色食品 (E2) 1,500 (1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from meetings.models import MeetingInvitation
from tests.factories import (
    EnterpriseFactory,
    IndustryChainFactory,
    InstitutionFactory,
    LoanAgreementFactory,
    MeetingFactory,
    OfficerFactory,
    SubVenueFactory,
)

WAN = Decimal(10_000)


@pytest.fixture
def signed_meeting(institution, officer_user, institution_admin, enterprise_member):
    today = timezone.localdate()
    meeting = MeetingFactory(
        title="2026年冬季政银企对接会",
        starts_at=timezone.now() - dt.timedelta(days=40),
        ends_at=timezone.now() - dt.timedelta(days=40) + dt.timedelta(hours=3),
        status="held",
    )
    main = SubVenueFactory(meeting=meeting, name="主会场", is_main=True, position=0)
    town = SubVenueFactory(meeting=meeting, name="白鹤镇分会场", position=1)
    bank_b = InstitutionFactory(name="测试建设银行清溪支行", short_name="测试建行")
    officer_b = OfficerFactory(institution=bank_b, user__first_name="秘密", user__last_name="孙")
    materials = IndustryChainFactory(name="新材料")
    food = IndustryChainFactory(name="绿色食品")
    e1 = EnterpriseFactory(name="清溪甲公司", chain=materials)
    e2 = EnterpriseFactory(name="清溪乙公司", chain=food)
    e3 = EnterpriseFactory(name="清溪丙公司", chain=materials)

    def agreement(bank, enterprise, wan, venue, days_ago, **extra):
        return LoanAgreementFactory(
            lead__institution=bank,
            lead__need__enterprise=enterprise,
            amount=Decimal(wan) * WAN,
            meeting=extra.pop("at", meeting),
            sub_venue=venue,
            signed_on=today - dt.timedelta(days=days_ago),
            recorded_by=extra.pop("by", officer_user),
            **extra,
        )

    a1 = agreement(institution, e1, 3000, main, 40, contract_number="SECRET-A1")
    a2 = agreement(institution, e2, 1500, town, 40)
    a3 = agreement(bank_b, e3, 500, main, 5, by=officer_b.user)
    voided = agreement(bank_b, e1, 2000, town, 40, by=officer_b.user, voided_at=timezone.now())
    elsewhere = agreement(institution, e2, 9999, None, 40, at=MeetingFactory(kind="breakfast"))
    for user, response in (
        (officer_user, "accepted"),
        (institution_admin, "declined"),
        (officer_b.user, "pending"),
        (enterprise_member, "accepted"),
    ):
        MeetingInvitation.objects.create(meeting=meeting, user=user, response=response)
    return {
        "meeting": meeting,
        "main": main,
        "town": town,
        "a": institution,
        "b": bank_b,
        "officer_b": officer_b,
        "e1": e1,
        "e2": e2,
        "e3": e3,
        "a1": a1,
        "a2": a2,
        "a3": a3,
        "voided": voided,
        "elsewhere": elsewhere,
    }
