"""The notices the lead service writes as officers act and as the system closes leads, called
directly: who is told, in what words, with which link, and what the step saved. Texts are the
Chinese translations, written out; needs and institutions are named by hand."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notice
from banks.models import Officer
from core.audit import audit_for_object
from core.errors import ServiceError
from enterprises.models import FinancingNeed, NeedAccessRevocation
from leads.models import Lead
from leads.services import (
    lead_assign,
    lead_claim,
    lead_record_contact,
    lead_request_info,
    leads_close_by_system,
)
from tests.factories import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    OfficerFactory,
)
from tests.refusals import refused

pytestmark = pytest.mark.django_db
S = FinancingNeed.Status
NOTE = "企业已与其他机构签约。"
CLOSED_LIST_URL = reverse("banks:lead_list") + "?status=closed"


def _officer(institution, *, role=Officer.Role.OFFICER, active=True, **user):
    """An officer of ``institution``; ``active`` is the officer's, ``user`` the account's fields."""
    return OfficerFactory(
        institution=institution,
        role=role,
        is_active=active,
        **{f"user__{k}": v for k, v in user.items()},
    )


def _notices(user):
    return list(Notice.objects.filter(user=user).values_list("title", "body", "url"))


def _need_url(need):
    return reverse("enterprises:need_detail", args=[need.pk])


def _close(*leads):
    return leads_close_by_system(
        leads=Lead.objects.filter(pk__in=[lead.pk for lead in leads]), note=NOTE
    )


def _revoke(lead):
    NeedAccessRevocation.objects.create(need=lead.need, institution=lead.institution)


@pytest.fixture
def bank():
    return InstitutionFactory(short_name="甲银行")


@pytest.fixture
def works():
    return EnterpriseFactory(name="清溪精工有限公司")


@pytest.fixture
def lead_on(bank, works):
    """A lead of ``bank`` on a need of its own, of 清溪精工, for ``purpose``."""

    def make(
        purpose="购买数控机床", *, status=Lead.Status.CONTACTED, need_status=S.IN_PROGRESS, **kw
    ):
        need = FinancingNeedFactory(enterprise=works, purpose=purpose, status=need_status)
        return LeadFactory(need=need, institution=bank, status=status, **kw)

    return make


# --- Closed by the system: who is told -------------------------------------------------------------


def test_an_unassigned_closed_lead_tells_only_the_active_admins_of_its_institution(bank, lead_on):
    admins = [_officer(bank, role=Officer.Role.ADMIN) for _ in range(2)]
    not_told = [
        _officer(bank),  # not an admin
        _officer(bank, role=Officer.Role.ADMIN, active=False),  # no longer an officer here
        _officer(bank, role=Officer.Role.ADMIN, is_active=False),  # account locked
        _officer(InstitutionFactory(), role=Officer.Role.ADMIN),  # another institution
    ]
    lead = lead_on()

    assert _close(lead) == 1
    detail = reverse("banks:lead_detail", args=[lead.pk])
    for admin in admins:
        assert _notices(admin.user) == [
            ("线索已关闭：清溪精工有限公司 · 购买数控机床", NOTE, detail)
        ]
    for officer in not_told:
        assert _notices(officer.user) == []


def test_an_assigned_closed_lead_tells_its_holder_and_not_the_admins(bank, lead_on):
    holder = _officer(bank)
    admin = _officer(bank, role=Officer.Role.ADMIN)
    lead = lead_on(assigned_to=holder)

    assert _close(lead) == 1
    detail = reverse("banks:lead_detail", args=[lead.pk])
    assert _notices(holder.user) == [("线索已关闭：清溪精工有限公司 · 购买数控机床", NOTE, detail)]
    assert _notices(admin.user) == []


@pytest.mark.parametrize("hidden_by", ["revoked", "withdrawn"])
def test_a_closed_lead_out_of_sight_does_not_name_the_need(bank, lead_on, hidden_by):
    admin = _officer(bank, role=Officer.Role.ADMIN)
    if hidden_by == "revoked":
        _revoke(lead := lead_on())
    else:
        lead = lead_on(need_status=S.WITHDRAWN)

    assert _close(lead) == 1
    assert _notices(admin.user) == [("一条线索已关闭", NOTE, reverse("banks:lead_list"))]


# --- Closed by the system: several leads, one notice ------------------------------------------------


def test_several_closed_leads_make_one_notice_naming_those_in_sight(bank, lead_on):
    admin = _officer(bank, role=Officer.Role.ADMIN)
    held = lead_on("购买数控机床", assigned_to=admin)
    hidden = lead_on("偿还到期贷款")
    _revoke(hidden)
    lead_on("厂房扩建", status=Lead.Status.NEW)

    assert _close(*Lead.objects.all()) == 3
    body = f"{NOTE}\n清溪精工有限公司 · 购买数控机床\n清溪精工有限公司 · 厂房扩建"
    assert _notices(admin.user) == [("3条线索已关闭", body, CLOSED_LIST_URL)]
    held.refresh_from_db()
    assert held.status == Lead.Status.CLOSED


def test_a_notice_of_many_closed_leads_names_twenty_of_them(bank, lead_on):
    admin = _officer(bank, role=Officer.Role.ADMIN)
    for number in range(1, 23):
        lead_on(f"项目{number:02d}")

    assert _close(*Lead.objects.all()) == 22
    listed = "\n".join(f"清溪精工有限公司 · 项目{number:02d}" for number in range(1, 21))
    assert _notices(admin.user) == [("22条线索已关闭", f"{NOTE}\n{listed}", CLOSED_LIST_URL)]


def test_several_closed_leads_all_out_of_sight_give_the_reason_alone(bank, lead_on):
    admin = _officer(bank, role=Officer.Role.ADMIN)
    for purpose in ("购买数控机床", "厂房扩建"):
        _revoke(lead_on(purpose))

    assert _close(*Lead.objects.all()) == 2
    assert _notices(admin.user) == [("2条线索已关闭", NOTE, CLOSED_LIST_URL)]


def test_closing_reads_the_admins_and_their_accounts_in_one_query():
    """Each admin costs a notice INSERT of their own; reading them costs no more SELECTs however
    many (both runs start with an empty content-type cache)."""

    def selects_for(admins):
        ContentType.objects.clear_cache()
        institution = InstitutionFactory()
        for _ in range(admins):
            _officer(institution, role=Officer.Role.ADMIN, email_notifications=False)
        lead = LeadFactory(institution=institution, status=Lead.Status.CONTACTED)
        with CaptureQueriesContext(connection) as captured:
            _close(lead)
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in captured)

    assert selects_for(1) == selects_for(4)


# --- The enterprise is told of an officer's step ----------------------------------------------------


@pytest.fixture
def members(enterprise, enterprise_member, other_enterprise_member):
    """Who may hear of the need: its enterprise's active member, and two who must not."""
    locked = EnterpriseMemberFactory(enterprise=enterprise, user__is_active=False).user
    return enterprise_member, [locked, other_enterprise_member]


@pytest.fixture
def officer(officer_user):
    return officer_user.officer


@pytest.mark.parametrize(
    "step, from_status, title",
    [
        (lead_record_contact, Lead.Status.CLAIMED, "测试工行：已与您联系"),
        (lead_request_info, Lead.Status.CONTACTED, "测试工行：需要补充材料"),
    ],
)
def test_a_step_tells_the_active_members_of_the_need_s_enterprise(
    officer, enterprise, members, step, from_status, title
):
    member, not_told = members
    need = FinancingNeedFactory(enterprise=enterprise, status=S.IN_PROGRESS)
    lead = LeadFactory(
        need=need, institution=officer.institution, status=from_status, assigned_to=officer
    )

    step(lead=lead, officer=officer, note="  请提供近三个月的银行流水。\n")
    assert _notices(member) == [(title, "请提供近三个月的银行流水。", _need_url(need))]
    for user in [*not_told, officer.user]:
        assert _notices(user) == []


def test_recording_contact_on_an_unassigned_lead_gives_it_to_the_officer(officer):
    lead = LeadFactory(institution=officer.institution, status=Lead.Status.CLAIMED)

    lead_record_contact(lead=lead, officer=officer)
    lead.refresh_from_db()
    assert (lead.status, lead.assigned_to) == (Lead.Status.CONTACTED, officer)


def test_recording_contact_on_a_colleague_s_lead_leaves_it_with_them(officer):
    colleague = _officer(officer.institution)
    lead = LeadFactory(
        institution=officer.institution, status=Lead.Status.CLAIMED, assigned_to=colleague
    )

    lead_record_contact(lead=lead, officer=officer)
    lead.refresh_from_db()
    assert (lead.status, lead.assigned_to) == (Lead.Status.CONTACTED, colleague)


@pytest.mark.parametrize("note", ["", "  \n\t"])
def test_asking_for_information_needs_a_question(officer, note):
    lead = LeadFactory(
        institution=officer.institution, status=Lead.Status.CONTACTED, assigned_to=officer
    )

    with refused(ServiceError, field="note") as info:
        lead_request_info(lead=lead, officer=officer, note=note)
    assert info.value.message == "请写明需要企业补充的内容。"


# --- Taking up a need -------------------------------------------------------------------------------


def _need_status_events(need):
    return list(audit_for_object(need).values_list("actor", "from_state", "to_state", "note"))


def test_the_first_claim_puts_the_need_in_progress_in_the_officer_s_name(
    officer, enterprise, members
):
    member, not_told = members
    need = FinancingNeedFactory(enterprise=enterprise, status=S.SUBMITTED, purpose="补充流动资金")
    lead = LeadFactory(need=need, institution=officer.institution)

    lead_claim(lead=lead, officer=officer)
    need.refresh_from_db()
    lead.refresh_from_db()
    assert need.status == S.IN_PROGRESS
    assert (lead.status, lead.assigned_to) == (Lead.Status.CLAIMED, officer)
    assert _need_status_events(need) == [
        (officer.user_id, S.SUBMITTED, S.IN_PROGRESS, "测试工行已受理该需求。")
    ]
    assert _notices(member) == [
        ("融资需求“补充流动资金”：对接中", "测试工行已受理该需求。", _need_url(need))
    ]
    for user in not_told:
        assert _notices(user) == []


def test_a_claim_on_a_need_already_in_progress_tells_the_enterprise_without_a_body(
    officer, enterprise, members
):
    member, not_told = members
    need = FinancingNeedFactory(enterprise=enterprise, status=S.IN_PROGRESS)
    second = _officer(InstitutionFactory(short_name="乙银行"))
    lead = LeadFactory(need=need, institution=second.institution)

    lead_claim(lead=lead, officer=second)
    need.refresh_from_db()
    assert need.status == S.IN_PROGRESS
    assert _need_status_events(need) == []
    assert _notices(member) == [("乙银行：已受理您的需求", "", _need_url(need))]
    for user in not_told:
        assert _notices(user) == []


def test_assigning_a_new_lead_puts_the_need_in_progress_in_the_assigner_s_name(
    officer, institution_admin, works
):
    admin = institution_admin.officer
    member = EnterpriseMemberFactory(enterprise=works).user
    need = FinancingNeedFactory(enterprise=works, status=S.SUBMITTED, purpose="厂房扩建")
    lead = LeadFactory(need=need, institution=admin.institution)

    lead_assign(lead=lead, officer=admin, assignee=officer)
    assert _need_status_events(need) == [
        (admin.user_id, S.SUBMITTED, S.IN_PROGRESS, "测试工行已受理该需求。")
    ]
    assert _notices(member) == [
        ("融资需求“厂房扩建”：对接中", "测试工行已受理该需求。", _need_url(need))
    ]
    detail = reverse("banks:lead_detail", args=[lead.pk])
    assert _notices(officer.user) == [
        ("有一条线索分配给您：清溪精工有限公司 · 厂房扩建", "", detail)
    ]
