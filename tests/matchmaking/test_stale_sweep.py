"""The sweep that repairs lost rescores: open needs changed since they were last scored."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from enterprises.models import FinancingNeed
from matchmaking.engine import rescore_need
from matchmaking.tasks import STALE_SWEEP_GRACE, rescore_stale_needs
from tests.factories import FinancingNeedFactory

pytestmark = pytest.mark.django_db


def _changed_ago(need, delta):
    FinancingNeed.objects.filter(pk=need.pk).update(updated_at=timezone.now() - delta)


def _queued_rescores():
    return {
        message.args[0]
        for message in OutboxMessage.objects.filter(task_name="matchmaking.tasks.rescore_need")
    }


def test_an_open_need_changed_after_its_last_scoring_is_rescored_again():
    # Every change is older than the grace period, so no rescore can still be in flight.
    long_ago = timezone.now() - STALE_SWEEP_GRACE - timedelta(minutes=10)
    minute = timedelta(minutes=1)
    up_to_date = FinancingNeedFactory(status="submitted")
    changed_since = FinancingNeedFactory(status="in_progress")
    never_scored = FinancingNeedFactory(status="submitted")
    for need, changed_at, scored_at in (
        (up_to_date, long_ago, long_ago + minute),
        (changed_since, long_ago + minute, long_ago),
    ):
        rescore_need(need.pk)
        FinancingNeed.objects.filter(pk=need.pk).update(matched_at=scored_at, updated_at=changed_at)
    FinancingNeed.objects.filter(pk=never_scored.pk).update(updated_at=long_ago)
    OutboxMessage.objects.all().delete()

    assert rescore_stale_needs() == 2
    assert _queued_rescores() == {changed_since.pk, never_scored.pk}


def test_closed_needs_and_fresh_changes_are_left_alone():
    draft = FinancingNeedFactory(status="draft")
    withdrawn = FinancingNeedFactory(status="withdrawn")
    fresh = FinancingNeedFactory(status="submitted")  # its rescore may still be in flight
    old = STALE_SWEEP_GRACE + timedelta(minutes=1)
    _changed_ago(draft, old)
    _changed_ago(withdrawn, old)
    OutboxMessage.objects.all().delete()

    assert rescore_stale_needs() == 0
    assert fresh.pk not in _queued_rescores()


def test_a_swept_need_is_not_swept_again_once_rescored():
    need = FinancingNeedFactory(status="submitted")
    _changed_ago(need, STALE_SWEEP_GRACE + timedelta(minutes=1))
    assert rescore_stale_needs() == 1
    rescore_need(need.pk)
    assert rescore_stale_needs() == 0
