"""The lead services refuse on their own, whatever door calls them: the wrong actor, values out of
range and moves the status map forbids. Each refusal is the exact error (``ServiceError`` or
``IllegalTransition``) and leaves the database as it was (``tests.refusals.refused``)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.errors import ServiceError
from core.workflow import IllegalTransition
from enterprises.models import FinancingNeed, NeedAccessRevocation
from leads import services
from leads.models import Lead
from matchmaking.models import Match
from tests.factories import (
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanProductFactory,
    OfficerFactory,
    UserFactory,
)
from tests.refusals import refused

pytestmark = pytest.mark.django_db

L = Lead.Status


@pytest.fixture
def w():
    """A need (2,000,000 yuan, submitted ten days ago) held by bank A (officer, admin, colleague)
    and bank B (officer), each through its own product."""
    bank_a, bank_b = InstitutionFactory(name="甲银行"), InstitutionFactory(name="乙银行")
    member = EnterpriseMemberFactory(user__username="ent_refusals").user
    need = FinancingNeedFactory(
        enterprise=member.enterprise_membership.enterprise,
        status=FinancingNeed.Status.SUBMITTED,
        amount=Decimal("2000000.00"),
        submitted_at=timezone.now() - dt.timedelta(days=10),
    )
    product_a = LoanProductFactory(institution=bank_a)
    product_b = LoanProductFactory(institution=bank_b)
    for product in (product_a, product_b):
        Match.objects.create(need=need, product=product, score=Decimal("80.00"))
    return SimpleNamespace(
        member=member,
        need=need,
        bank_a=bank_a,
        bank_b=bank_b,
        officer_a=OfficerFactory(institution=bank_a),
        admin_a=OfficerFactory(institution=bank_a, role="admin"),
        colleague_a=OfficerFactory(institution=bank_a),
        officer_b=OfficerFactory(institution=bank_b),
        lead_a=LeadFactory(need=need, institution=bank_a, product=product_a),
        lead_b=LeadFactory(need=need, institution=bank_b, product=product_b),
    )


def _at(lead, status, officer=None):
    """Put the lead at ``status`` (held by ``officer``) without going through the steps."""
    Lead.objects.filter(pk=lead.pk).update(status=status, assigned_to=officer)
    lead.refresh_from_db()
    if status != L.NEW:
        FinancingNeed.objects.filter(pk=lead.need_id).update(
            status=FinancingNeed.Status.IN_PROGRESS
        )
    return lead


SIGN_TERMS = {
    "amount": Decimal("2000000.00"),
    "rate": Decimal("3.85"),
    "term_months": 24,
    "contract_number": "JIA-2026-001",
}


def _sign(lead, officer, **changes):
    terms = {**SIGN_TERMS, "signed_on": timezone.localdate(), **changes}
    return services.loan_agreement_sign(lead=lead, officer=officer, **terms)


# Each officer step, the status from which it is legal, and how to call it.
STEPS = {
    "claim": (L.NEW, lambda lead, o: services.lead_claim(lead=lead, officer=o)),
    "contact": (L.CLAIMED, lambda lead, o: services.lead_record_contact(lead=lead, officer=o)),
    "request_info": (
        L.CONTACTED,
        lambda lead, o: services.lead_request_info(lead=lead, officer=o, note="请补充报表"),
    ),
    "review": (L.CONTACTED, lambda lead, o: services.lead_start_review(lead=lead, officer=o)),
    "approve": (L.UNDER_REVIEW, lambda lead, o: services.lead_approve(lead=lead, officer=o)),
    "decline": (
        L.CONTACTED,
        lambda lead, o: services.lead_decline(lead=lead, officer=o, reason="collateral"),
    ),
    "sign": (L.APPROVED, _sign),
}


@pytest.mark.parametrize("step", STEPS)
def test_another_banks_officer_is_refused_every_step(step, w):
    """Bank B's officer, though it holds a lead on the same need, cannot act on bank A's."""
    legal_from, call = STEPS[step]
    lead = _at(w.lead_a, legal_from, w.officer_a if legal_from != L.NEW else None)
    with refused(ServiceError) as info:
        call(lead, w.officer_b)
    assert info.value.message == "该线索属于其他机构。"
    # The same call by bank A's officer goes through: the refusal was about the actor.
    call(lead, w.officer_a)
    lead.refresh_from_db()
    assert lead.status != legal_from


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("who", ["inactive", "none"])
def test_an_inactive_or_missing_officer_is_refused(step, who, w):
    legal_from, call = STEPS[step]
    lead = _at(w.lead_a, legal_from, w.officer_a if legal_from != L.NEW else None)
    officer = None
    if who == "inactive":
        officer = w.colleague_a
        officer.is_active = False
        officer.save(update_fields=["is_active"])
    with refused(ServiceError):
        call(lead, officer)


# (status the lead is in, step): a move the lead status map forbids.
ILLEGAL = [
    (L.NEW, "contact"),
    (L.NEW, "request_info"),
    (L.NEW, "review"),
    (L.NEW, "approve"),
    (L.CLAIMED, "claim"),
    (L.CLAIMED, "approve"),
    (L.CONTACTED, "contact"),
    (L.CONTACTED, "approve"),
    (L.INFO_REQUESTED, "request_info"),
    (L.UNDER_REVIEW, "contact"),
    (L.APPROVED, "review"),
    (L.DECLINED, "claim"),
    (L.DECLINED, "decline"),
    (L.CLOSED, "contact"),
    (L.CLOSED, "decline"),
    (L.CONTACTED, "sign"),
    (L.UNDER_REVIEW, "sign"),
]


@pytest.mark.parametrize(("status", "step"), ILLEGAL)
def test_a_move_the_status_map_forbids_is_refused(status, step, w):
    lead = _at(w.lead_a, status, w.officer_a if status != L.NEW else None)
    with refused(IllegalTransition):
        STEPS[step][1](lead, w.officer_a)


def test_signing_a_signed_lead_or_a_closed_need_is_refused(w):
    lead = _at(w.lead_a, L.SIGNED, w.officer_a)
    with refused(ServiceError) as info:
        _sign(lead, w.officer_a, contract_number="JIA-2026-002")
    assert info.value.message == "该线索已签约。"
    lead = _at(w.lead_b, L.APPROVED, w.officer_b)
    FinancingNeed.objects.filter(pk=w.need.pk).update(status=FinancingNeed.Status.WITHDRAWN)
    with refused(ServiceError) as info:
        _sign(lead, w.officer_b)
    assert info.value.message == "该需求已不在对接中。"


# Values out of range for an agreement, the field the refusal names.
BAD_TERMS = [
    ({"amount": Decimal("0.00")}, "amount"),
    ({"amount": Decimal("-1.00")}, "amount"),
    ({"amount": Decimal("100.001")}, "amount"),
    ({"amount": Decimal("1e14")}, "amount"),
    ({"amount": Decimal("NaN")}, "amount"),
    ({"amount": 1500000.0}, "amount"),  # a float is not money
    ({"rate": Decimal("-0.01")}, "rate"),
    ({"rate": Decimal("36.01")}, "rate"),
    ({"rate": Decimal("3.855")}, "rate"),
    ({"term_months": 0}, "term_months"),
    ({"term_months": 361}, "term_months"),
    ({"term_months": True}, "term_months"),
    ({"signed_on": dt.date(2099, 1, 1)}, "signed_on"),
    ({"signed_on": "2026-01-01"}, "signed_on"),
    ({"contract_number": "   "}, "contract_number"),
    ({"contract_number": "X" * 61}, "contract_number"),
    # Seven times the need's 2,000,000 yuan, not confirmed as intended.
    ({"amount": Decimal("14000000.00")}, "confirmed_large_amount"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_TERMS)
def test_signing_refuses_values_out_of_range(changes, field, w):
    lead = _at(w.lead_a, L.APPROVED, w.officer_a)
    with refused(ServiceError, field=field):
        _sign(lead, w.officer_a, **changes)


def test_signing_refuses_a_date_before_the_need_was_submitted(w):
    lead = _at(w.lead_a, L.APPROVED, w.officer_a)
    with refused(ServiceError, field="signed_on"):
        _sign(lead, w.officer_a, signed_on=timezone.localdate() - dt.timedelta(days=30))


def test_signing_refuses_a_contract_number_the_bank_already_recorded(w):
    other = FinancingNeedFactory(
        status=FinancingNeed.Status.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=2)
    )
    earlier = _at(LeadFactory(need=other, institution=w.bank_a), L.APPROVED, w.officer_a)
    _sign(earlier, w.officer_a)
    lead = _at(w.lead_a, L.APPROVED, w.officer_a)
    with refused(ServiceError, field="contract_number"):
        _sign(lead, w.officer_a)


def test_request_info_needs_a_question(w):
    lead = _at(w.lead_a, L.CONTACTED, w.officer_a)
    with refused(ServiceError, field="note"):
        services.lead_request_info(lead=lead, officer=w.officer_a, note="  ")


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("", "", "reason"), ("bankrupt", "", "reason"), ("other", " ", "note")],
)
def test_declining_needs_a_listed_reason(reason, note, field, w):
    lead = _at(w.lead_a, L.CONTACTED, w.officer_a)
    with refused(ServiceError, field=field):
        services.lead_decline(lead=lead, officer=w.officer_a, reason=reason, note=note)


def test_assigning_is_refused_to_outsiders_and_for_outsiders(w):
    lead = w.lead_a
    with refused(ServiceError):
        services.lead_assign(lead=lead, officer=w.officer_b, assignee=w.officer_b)
    with refused(ServiceError, field="assignee"):
        services.lead_assign(lead=lead, officer=w.officer_a, assignee=w.officer_b)
    w.colleague_a.is_active = False
    w.colleague_a.save(update_fields=["is_active"])
    with refused(ServiceError, field="assignee"):
        services.lead_assign(lead=lead, officer=w.officer_a, assignee=w.colleague_a)


def test_only_the_holder_or_an_admin_reassigns_a_held_lead(w):
    lead = _at(w.lead_a, L.CONTACTED, w.colleague_a)
    with refused(ServiceError):
        services.lead_assign(lead=lead, officer=w.officer_a, assignee=w.officer_a)
    services.lead_assign(lead=lead, officer=w.admin_a, assignee=w.officer_a)
    lead.refresh_from_db()
    assert lead.assigned_to == w.officer_a


def test_a_closed_lead_cannot_be_reassigned(w):
    lead = _at(w.lead_a, L.CLOSED, w.officer_a)
    with refused(ServiceError):
        services.lead_assign(lead=lead, officer=w.admin_a, assignee=w.colleague_a)


# --- Taking a matched need --------------------------------------------------------------------


def test_taking_is_refused_without_an_active_officer(w):
    w.lead_a.delete()
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=None)
    w.officer_a.is_active = False
    w.officer_a.save(update_fields=["is_active"])
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=w.officer_a)


def test_taking_is_refused_when_the_enterprise_withdrew_the_banks_access(w):
    w.lead_a.delete()
    NeedAccessRevocation.objects.create(need=w.need, institution=w.bank_a, revoked_by=w.member)
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=w.officer_a)


def test_taking_is_refused_when_the_need_is_shown_to_other_banks_only(w):
    w.lead_a.delete()
    w.need.visibility = FinancingNeed.Visibility.CHOSEN
    w.need.save(update_fields=["visibility"])
    w.need.allowed_institutions.set([w.bank_b])
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=w.officer_a)


def test_taking_is_refused_without_a_matching_product_or_twice(w):
    outsider = OfficerFactory(institution=InstitutionFactory(name="丙银行"))
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=outsider)
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=w.officer_a)  # bank A already holds it


def test_taking_is_refused_at_the_contact_cap_or_on_a_closed_need(w, settings):
    from core.models import PortalSettings

    w.lead_a.delete()
    portal = PortalSettings.load()
    portal.contact_cap = 1  # bank B's lead fills it
    portal.save()
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=w.officer_a)
    FinancingNeed.objects.filter(pk=w.need.pk).update(status=FinancingNeed.Status.CLOSED)
    with refused(ServiceError):
        services.lead_take(need=w.need, officer=w.officer_a)


# --- The enterprise's side of a lead ------------------------------------------------------------


def test_only_the_enterprise_replies_and_only_when_asked(w):
    lead = _at(w.lead_a, L.INFO_REQUESTED, w.officer_a)
    stranger = EnterpriseMemberFactory(user__username="ent_stranger").user
    with refused(ServiceError):
        services.lead_enterprise_reply(lead=lead, actor=stranger, text="报表见附件")
    with refused(ServiceError):
        services.lead_enterprise_reply(lead=lead, actor=w.officer_a.user, text="报表见附件")
    with refused(ServiceError, field="text"):
        services.lead_enterprise_reply(lead=lead, actor=w.member, text=" ")
    with refused(ServiceError, field="text"):
        services.lead_enterprise_reply(
            lead=lead, actor=w.member, text="长" * (services.REPLY_MAX_LENGTH + 1)
        )
    not_asked = _at(w.lead_b, L.CONTACTED, w.officer_b)
    with refused(ServiceError):
        services.lead_enterprise_reply(lead=not_asked, actor=w.member, text="报表见附件")


def test_only_the_enterprise_decides_after_declines(w):
    FinancingNeed.objects.filter(pk=w.need.pk).update(status=FinancingNeed.Status.ALL_DECLINED)
    w.need.refresh_from_db()
    stranger = EnterpriseMemberFactory(user__username="ent_stranger2").user
    for decide in (services.need_release_to_other_institutions, services.need_close_after_declines):
        with refused(ServiceError):
            decide(need=w.need, actor=stranger)
        with refused(ServiceError):
            decide(need=w.need, actor=w.officer_a.user)


def test_releasing_a_need_still_being_worked_is_refused(w):
    FinancingNeed.objects.filter(pk=w.need.pk).update(status=FinancingNeed.Status.IN_PROGRESS)
    w.need.refresh_from_db()
    with refused(IllegalTransition):
        services.need_release_to_other_institutions(need=w.need, actor=w.member)


# --- Correcting a recorded agreement -------------------------------------------------------------


@pytest.fixture
def agreement(w):
    lead = _at(w.lead_a, L.APPROVED, w.officer_a)
    return _sign(lead, w.officer_a)


def _ask(agreement, officer, **changes):
    request = {"kind": "correct", "reason": "利率录错", "rate": Decimal("3.50"), **changes}
    return services.agreement_correction_request(agreement=agreement, officer=officer, **request)


def test_a_correction_is_asked_only_by_the_agreements_bank(agreement, w):
    with refused(ServiceError):
        _ask(agreement, w.officer_b)
    with refused(ServiceError):
        _ask(agreement, None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "rewrite"}, "kind"),
        ({"reason": "  "}, "reason"),
        ({"rate": Decimal("40.00")}, "rate"),
        ({"amount": Decimal("0.00")}, "amount"),
        ({"term_months": 0}, "term_months"),
        ({"rate": Decimal("3.85")}, None),  # the figures recorded already
    ],
)
def test_a_correction_out_of_range_or_changing_nothing_is_refused(changes, field, agreement, w):
    with refused(ServiceError, field=field):
        _ask(agreement, w.officer_a, **changes)


def test_a_second_request_or_one_on_a_voided_agreement_is_refused(agreement, w):
    first = _ask(agreement, w.officer_a)
    with refused(ServiceError):
        _ask(agreement, w.officer_a, rate=Decimal("3.40"))
    finance = UserFactory(username="fin_refusals", role="government", department="finance_office")
    services.agreement_correction_decide(correction=first, actor=finance, approve=False)
    void = _ask(agreement, w.officer_a, kind="void", rate=None)
    services.agreement_correction_decide(correction=void, actor=finance, approve=True)
    with refused(ServiceError):
        _ask(agreement, w.officer_a)


def test_only_the_finance_office_decides_a_correction_once(agreement, w):
    correction = _ask(agreement, w.officer_a)
    bureau = UserFactory(
        username="bur_refusals", role="government", department="development_reform"
    )
    for actor in (bureau, w.officer_a.user, w.member, None):
        with refused(ServiceError):
            services.agreement_correction_decide(correction=correction, actor=actor, approve=True)
    finance = UserFactory(username="fin_refusals2", role="government", department="finance_office")
    finance.is_active = False
    finance.save(update_fields=["is_active"])
    with refused(ServiceError):
        services.agreement_correction_decide(correction=correction, actor=finance, approve=True)
    finance.is_active = True
    finance.save(update_fields=["is_active"])
    services.agreement_correction_decide(correction=correction, actor=finance, approve=True)
    with refused(ServiceError):
        services.agreement_correction_decide(correction=correction, actor=finance, approve=False)
