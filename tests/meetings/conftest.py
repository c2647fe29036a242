import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import MeetingFactory


@pytest.fixture
def meeting(finance_user):
    """A symposium ten days from now, organised by the finance office."""
    starts_at = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    return MeetingFactory(
        title="第一季度政银企座谈会",
        kind="symposium",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        organizer=finance_user,
    )
