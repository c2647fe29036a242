import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import MeetingFactory, MeetingInvitationFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The meeting of these tests: Thursday 2026-12-17, 09:30–11:30 Shanghai time.
START = dt.datetime(2026, 12, 17, 9, 30, tzinfo=SHANGHAI)
# The week mark (2026-12-10 09:30) plus ten minutes: the week reminder is due.
WEEK_MARK = dt.datetime(2026, 12, 10, 9, 40, tzinfo=SHANGHAI)


@pytest.fixture
def meeting(finance_user):
    return MeetingFactory(
        title="第四季度政银企座谈会",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
        location="清溪区金融服务中心",
        organizer=finance_user,
    )


@pytest.fixture
def invitee(meeting):
    user = UserFactory(username="wangjingli", last_name="王", first_name="经理")
    return MeetingInvitationFactory(meeting=meeting, user=user, response="accepted")
