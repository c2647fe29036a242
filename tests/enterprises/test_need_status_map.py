"""Every legal move of a financing need is allowed, every other one refused, from the service."""

import itertools

import pytest

from core.audit import audit_for_object
from core.workflow import IllegalTransition
from enterprises.models import FinancingNeed
from enterprises.services import financing_need_transition
from tests.factories import FinancingNeedFactory

S = FinancingNeed.Status
LEGAL = {
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.WITHDRAWN),
    (S.SUBMITTED, S.IN_PROGRESS),
    (S.SUBMITTED, S.DRAFT),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.SUBMITTED, S.CLOSED),
    (S.IN_PROGRESS, S.SIGNED),
    (S.IN_PROGRESS, S.ALL_DECLINED),
    (S.IN_PROGRESS, S.WITHDRAWN),
    (S.IN_PROGRESS, S.CLOSED),
    (S.ALL_DECLINED, S.SUBMITTED),
    (S.ALL_DECLINED, S.WITHDRAWN),
    (S.ALL_DECLINED, S.CLOSED),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), sorted(LEGAL))
def test_legal_move_is_made_and_recorded(source, target, finance_user):
    need = FinancingNeedFactory(status=source)
    financing_need_transition(need=need, to_status=target, actor=finance_user, message="ok")
    need.refresh_from_db()
    assert need.status == target
    event = audit_for_object(need).get()
    assert (event.from_state, event.to_state, event.actor) == (source, target, finance_user)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in LEGAL])
def test_illegal_move_is_refused_and_changes_nothing(source, target):
    need = FinancingNeedFactory(status=source)
    with pytest.raises(IllegalTransition) as info:
        financing_need_transition(need=need, to_status=target)
    need.refresh_from_db()
    assert need.status == source
    assert not audit_for_object(need).exists()
    assert info.value.message  # a sentence for the user


@pytest.mark.django_db
def test_submitting_stamps_the_submission_time():
    need = FinancingNeedFactory(status=S.DRAFT)
    financing_need_transition(need=need, to_status=S.SUBMITTED)
    need.refresh_from_db()
    assert need.submitted_at is not None


def test_illegal_move_message_names_both_statuses_in_chinese(settings):
    from django.utils import translation

    from enterprises.models import NEED_TRANSITIONS

    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as info:
        NEED_TRANSITIONS.check(S.SIGNED, S.DRAFT)
    assert "已签约" in info.value.message and "草稿" in info.value.message
