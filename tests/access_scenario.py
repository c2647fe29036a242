"""One district with every kind of object, for the access table (``tests/config/test_access_table.py``)
and the consent checks.

清溪精密机械 (the enterprise) has a need worked by two institutions: 城东支行 holds a contacted
lead, 河西支行 a new one. A second need was signed with 城东 (its agreement waits for a void the
finance office has to decide); 河西's lead on it was closed at the signing. A third need is
matched to 城东's product with no lead yet, a fourth is a draft. 北门支行 is a bank with nothing to
do with any of it. Every persona of the table is one user here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import invitation_create
from banks.models import LoanProduct, Officer, OfficerInvitation
from core.models import PortalSettings
from enterprises.models import EnterpriseInvitation, FinancingNeed
from enterprises.services import adviser_assign, recommendation_create
from leads.models import Lead
from leads.services import (
    agreement_correction_request,
    lead_approve,
    lead_claim,
    lead_record_contact,
    lead_start_review,
    loan_agreement_sign,
)
from matchmaking.models import Match
from meetings.board import board_token_rotate
from meetings.models import MeetingKind, MeetingSeries, TalkPlan, TalkSlot
from meetings.services import (
    meeting_invite,
    presented_item_add,
    rsvp_link,
    series_create,
    venue_save,
)
from office.services import annual_target_set, league_share_link_create

from .factories import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanProductFactory,
    MeetingFactory,
    OfficerFactory,
    ProjectFactory,
    UserFactory,
)

# The personas of the access table, in the order of its columns.
PERSONAS = (
    "anon",  # not logged in
    "member",  # a plain member of the enterprise
    "ent_admin",  # the enterprise's administrator
    "other_ent",  # the administrator of another enterprise
    "holder",  # the officer working the enterprise's lead (城东支行)
    "holder_admin",  # the admin of the institution holding the lead (城东支行)
    "rival",  # an officer of 河西支行, which holds another lead on the same need
    "stranger",  # an officer of 北门支行, which has nothing to do with the enterprise
    "bureau",  # 发改局
    "finance",  # the finance office (金融办)
)

ENTERPRISE_NAME = "清溪精密机械有限公司"
NEED_PURPOSE = "购置五轴数控机床"
NEED_AMOUNT = Decimal("7350000.00")  # shown as 735.00万元
SIGNED_PURPOSE = "扩建精密轴承产线"
SIGNED_NEED_AMOUNT = Decimal("6180000.00")  # 618.00万元
AGREEMENT_AMOUNT = Decimal("5960000.00")  # 596.00万元
CONTRACT_NUMBER = "QXCD-2026-0417"
CONTACT_PHONE = "13955550417"


@dataclass
class Scenario:
    users: dict[str, User | None]
    enterprise: object
    other_enterprise: object
    colleague: User  # a plain member the enterprise admin may remove
    holder_institution: object
    rival_institution: object
    stranger_institution: object
    holder_colleague: Officer  # an officer of 城东 the admin may manage, the lead may go to
    product: LoanProduct
    submitted_product: LoanProduct
    rival_product: LoanProduct
    project: object
    need: FinancingNeed  # in progress, two leads
    lead: Lead  # 城东's, contacted
    rival_lead: Lead  # 河西's, new
    signed_need: FinancingNeed
    signed_lead: Lead
    rival_closed_lead: Lead
    agreement: object
    correction: object
    open_need: FinancingNeed  # matched to 城东's product, no lead yet
    draft_need: FinancingNeed
    unserved_need: FinancingNeed  # matched by the engine to no product, no lead: unserved
    enterprise_invitation: EnterpriseInvitation
    officer_invitation: OfficerInvitation
    meeting: object
    series: object
    main_venue: object
    side_venue: object
    member_invitation: object  # the enterprise member's invitation to the meeting
    holder_invitation: object  # the holder officer's
    colleague_invitation: object  # a plain colleague's, the one the office withdraws
    answer_token: str  # the signed link the member answers the invitation with
    presented_item: object  # the need, presented at the meeting
    talk_slot: object  # 城东 and the enterprise, at the main venue
    share_link: object  # a league-table link the finance office shared
    recommendation: object  # the bureau recommends the enterprise
    adviser: object  # the holder officer advises the enterprise
    secrets: dict[str, str] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return self.users[persona]


def build_scenario() -> Scenario:
    ago = timezone.now() - dt.timedelta(days=20)
    PortalSettings.load()
    enterprise = EnterpriseFactory(
        name=ENTERPRISE_NAME, contact_name="陈静", contact_phone=CONTACT_PHONE
    )
    ent_admin = EnterpriseMemberFactory(
        user__username="acc_ent_admin", enterprise=enterprise, is_admin=True
    ).user
    member = EnterpriseMemberFactory(
        user__username="acc_member", enterprise=enterprise, is_admin=False
    ).user
    colleague = EnterpriseMemberFactory(
        user__username="acc_colleague", enterprise=enterprise, is_admin=False
    ).user
    other_ent = EnterpriseMemberFactory(
        user__username="acc_other_ent", enterprise__name="清溪锌业有限公司", is_admin=True
    ).user

    holder_institution = InstitutionFactory(name="清溪农商银行城东支行", short_name="农商城东")
    rival_institution = InstitutionFactory(name="清溪建设银行河西支行", short_name="建行河西")
    stranger_institution = InstitutionFactory(name="清溪邮储银行北门支行", short_name="邮储北门")
    holder = OfficerFactory(user__username="acc_holder", institution=holder_institution)
    holder_admin = OfficerFactory(
        user__username="acc_holder_admin", institution=holder_institution, role="admin"
    )
    holder_colleague = OfficerFactory(
        user__username="acc_holder_colleague", institution=holder_institution
    )
    rival = OfficerFactory(user__username="acc_rival", institution=rival_institution)
    stranger = OfficerFactory(user__username="acc_stranger", institution=stranger_institution)
    bureau = UserFactory(
        username="acc_bureau",
        role=User.Role.GOVERNMENT,
        department=User.Department.DEVELOPMENT_REFORM,
    )
    finance = UserFactory(
        username="acc_finance",
        role=User.Role.GOVERNMENT,
        department=User.Department.FINANCE_OFFICE,
    )

    product = LoanProductFactory(institution=holder_institution, name="城东科创贷")
    submitted_product = LoanProductFactory(
        institution=holder_institution, name="城东设备贷", status=LoanProduct.Status.SUBMITTED
    )
    rival_product = LoanProductFactory(institution=rival_institution, name="河西经营贷")
    LoanProductFactory(institution=stranger_institution, name="北门小微贷")
    project = ProjectFactory(enterprise=enterprise, name="精密轴承新厂房")

    need = FinancingNeedFactory(
        enterprise=enterprise,
        status=FinancingNeed.Status.SUBMITTED,
        amount=NEED_AMOUNT,
        purpose=NEED_PURPOSE,
        project=project,
        submitted_at=ago,
        created_by=ent_admin,
    )
    lead = LeadFactory(need=need, institution=holder_institution, product=product)
    rival_lead = LeadFactory(need=need, institution=rival_institution, product=rival_product)
    for p in (product, rival_product):
        Match.objects.create(need=need, product=p, score=Decimal("80.00"))
    lead = lead_claim(lead=lead, officer=holder)
    lead = lead_record_contact(lead=lead, officer=holder, note="已电话联系")

    signed_need = FinancingNeedFactory(
        enterprise=enterprise,
        status=FinancingNeed.Status.SUBMITTED,
        amount=SIGNED_NEED_AMOUNT,
        purpose=SIGNED_PURPOSE,
        submitted_at=ago,
        created_by=ent_admin,
    )
    signed_lead = LeadFactory(need=signed_need, institution=holder_institution, product=product)
    rival_closed_lead = LeadFactory(
        need=signed_need, institution=rival_institution, product=rival_product
    )
    signed_lead = lead_claim(lead=signed_lead, officer=holder)
    for step in (lead_record_contact, lead_start_review, lead_approve):
        signed_lead = step(lead=signed_lead, officer=holder, note="")
    agreement = loan_agreement_sign(
        lead=signed_lead,
        officer=holder,
        amount=AGREEMENT_AMOUNT,
        rate=Decimal("3.65"),
        term_months=24,
        signed_on=timezone.localdate(),
        contract_number=CONTRACT_NUMBER,
    )
    correction = agreement_correction_request(
        agreement=agreement, officer=holder, kind="void", reason="合同录入重复"
    )

    open_need = FinancingNeedFactory(
        enterprise=enterprise,
        status=FinancingNeed.Status.SUBMITTED,
        purpose="采购检测设备",
        submitted_at=ago,
        created_by=ent_admin,
    )
    Match.objects.create(need=open_need, product=product, score=Decimal("70.00"))
    draft_need = FinancingNeedFactory(
        enterprise=enterprise, status=FinancingNeed.Status.DRAFT, purpose="补充流动资金"
    )

    unserved_need = FinancingNeedFactory(
        enterprise=enterprise,
        status=FinancingNeed.Status.SUBMITTED,
        purpose="研发中心装修",
        submitted_at=ago,
        matched_at=ago,
        created_by=ent_admin,
    )
    enterprise_invitation = invitation_create(
        model=EnterpriseInvitation,
        invited_by=ent_admin,
        email="new@example.cn",
        enterprise=enterprise,
    )
    officer_invitation = invitation_create(
        model=OfficerInvitation,
        invited_by=holder_admin.user,
        email="newofficer@example.cn",
        institution=holder_institution,
        role="officer",
    )
    starts = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    starts += dt.timedelta(days=10)
    meeting = MeetingFactory(
        title="第四季度政银企对接会",
        organizer=finance,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    series = series_create(
        actor=finance,
        title="月度银企沙龙",
        kind=MeetingKind.MATCHMAKING,
        rule=MeetingSeries.Rule.MONTHLY,
        first_date=timezone.localdate() + dt.timedelta(days=30),
        start_time=dt.time(9, 30),
        duration_minutes=90,
        generate_until=timezone.localdate() + dt.timedelta(days=70),
        location="区行政中心",
    )
    main_venue = venue_save(meeting=meeting, actor=finance, name="主会场", is_main=True)
    side_venue = venue_save(meeting=meeting, actor=finance, name="第二分会场")
    invited = meeting_invite(
        meeting=meeting,
        actor=finance,
        institutions=[holder_institution],
        enterprises=[enterprise],
    )
    by_user = {i.user_id: i for i in invited}
    presented_item = presented_item_add(meeting=meeting, actor=finance, need=need)
    TalkPlan.objects.create(
        meeting=meeting,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        slot_minutes=15,
        institution_capacity=3,
        enterprise_capacity=3,
        updated_by=finance,
    )
    talk_slot = TalkSlot.objects.create(
        meeting=meeting,
        sub_venue=main_venue,
        institution=holder_institution,
        enterprise=enterprise,
        need=need,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + dt.timedelta(minutes=15),
        created_by=finance,
    )
    board_token_rotate(meeting=meeting, actor=finance)
    meeting.refresh_from_db()
    share_link = league_share_link_create(actor=finance, days=7)
    annual_target_set(
        actor=finance, year=timezone.localdate().year, institution=None, amount=Decimal("5e8")
    )
    recommendation = recommendation_create(
        actor=bureau, enterprise=enterprise, reason="区重点培育的专精特新企业"
    )
    adviser = adviser_assign(
        actor=finance, enterprise=enterprise, user=holder.user, since=timezone.localdate()
    )

    users = {
        "anon": None,
        "member": member,
        "ent_admin": ent_admin,
        "other_ent": other_ent,
        "holder": holder.user,
        "holder_admin": holder_admin.user,
        "rival": rival.user,
        "stranger": stranger.user,
        "bureau": bureau,
        "finance": finance,
    }
    rival_closed_lead.refresh_from_db()
    return Scenario(
        users=users,
        enterprise=enterprise,
        other_enterprise=other_ent.enterprise_membership.enterprise,
        colleague=colleague,
        holder_institution=holder_institution,
        rival_institution=rival_institution,
        stranger_institution=stranger_institution,
        holder_colleague=holder_colleague,
        product=product,
        submitted_product=submitted_product,
        rival_product=rival_product,
        project=project,
        need=need,
        lead=lead,
        rival_lead=rival_lead,
        signed_need=signed_need,
        signed_lead=signed_lead,
        rival_closed_lead=rival_closed_lead,
        agreement=agreement,
        correction=correction,
        open_need=open_need,
        draft_need=draft_need,
        unserved_need=unserved_need,
        enterprise_invitation=enterprise_invitation,
        officer_invitation=officer_invitation,
        meeting=meeting,
        series=series,
        main_venue=main_venue,
        side_venue=side_venue,
        member_invitation=by_user[member.pk],
        holder_invitation=by_user[holder.user_id],
        colleague_invitation=by_user[colleague.pk],
        answer_token=rsvp_link(by_user[member.pk]).rstrip("/").rsplit("/", 1)[-1],
        presented_item=presented_item,
        talk_slot=talk_slot,
        share_link=share_link,
        recommendation=recommendation,
        adviser=adviser,
        secrets={
            "the enterprise's name": ENTERPRISE_NAME,
            "its credit code": enterprise.credit_code,
            "its contact phone": CONTACT_PHONE,
            "the need's purpose": NEED_PURPOSE,
            "the need's amount": "735.00万元",
            "the signed need's purpose": SIGNED_PURPOSE,
            "the agreement's amount": "596.00万元",
            "the contract number": CONTRACT_NUMBER,
            "the holder bank's product under review": submitted_product.name,
        },
    )


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """Built once per test module, in a transaction rolled back at its end; each test's own
    transaction (the ``db`` fixture) is a savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_scenario()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
