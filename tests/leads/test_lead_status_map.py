import itertools

import pytest

from banks.models import PRODUCT_TRANSITIONS, LoanProduct
from core.audit import audit_for_object
from core.workflow import IllegalTransition
from leads.models import Lead
from leads.services import lead_transition
from tests.factories import LeadFactory

L = Lead.Status
ACTIVE_EXITS = {L.DECLINED, L.CLOSED}
LEGAL = {
    (L.NEW, L.CLAIMED),
    (L.CLAIMED, L.CONTACTED),
    (L.CONTACTED, L.INFO_REQUESTED),
    (L.CONTACTED, L.UNDER_REVIEW),
    (L.INFO_REQUESTED, L.CONTACTED),
    (L.INFO_REQUESTED, L.UNDER_REVIEW),
    (L.UNDER_REVIEW, L.INFO_REQUESTED),
    (L.UNDER_REVIEW, L.APPROVED),
    (L.APPROVED, L.SIGNED),
} | {
    (source, exit_)
    for source in (L.NEW, L.CLAIMED, L.CONTACTED, L.INFO_REQUESTED, L.UNDER_REVIEW, L.APPROVED)
    for exit_ in ACTIVE_EXITS
}
ALL_PAIRS = list(itertools.product(L.values, L.values))


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), sorted(LEGAL))
def test_legal_lead_move_is_made_and_recorded(source, target, officer_user):
    lead = LeadFactory(status=source)
    lead_transition(lead=lead, to_status=target, actor=officer_user, note="电话联系")
    lead.refresh_from_db()
    assert lead.status == target
    step = audit_for_object(lead).get()
    assert (step.from_state, step.to_state, step.actor, step.note) == (
        source,
        target,
        officer_user,
        "电话联系",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in LEGAL])
def test_illegal_lead_move_is_refused_and_changes_nothing(source, target):
    lead = LeadFactory(status=source)
    with pytest.raises(IllegalTransition):
        lead_transition(lead=lead, to_status=target)
    lead.refresh_from_db()
    assert lead.status == source
    assert not audit_for_object(lead).exists()


P = LoanProduct.Status
PRODUCT_LEGAL = {
    (P.DRAFT, P.SUBMITTED),
    (P.DRAFT, P.RETIRED),
    (P.SUBMITTED, P.PUBLISHED),
    (P.SUBMITTED, P.RETURNED),
    (P.SUBMITTED, P.DRAFT),
    (P.RETURNED, P.SUBMITTED),
    (P.RETURNED, P.RETIRED),
    (P.PUBLISHED, P.SUBMITTED),
    (P.PUBLISHED, P.RETIRED),
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(P.values, P.values)))
def test_product_review_map(source, target):
    assert PRODUCT_TRANSITIONS.allows(source, target) == ((source, target) in PRODUCT_LEGAL)
