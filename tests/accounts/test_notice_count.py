"""The navigation bar's unread-notice badge is cached per person, and every way a count changes
(notices sent in bulk, one notice saved or deleted, notices marked read) shows at once."""

import re

import pytest
from django.urls import reverse

from accounts.models import Notice
from accounts.services import notice_send, notices_mark_read
from office.models import SummaryState

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'text-bg-danger">(\d+)</span>')


def _badge(client) -> int:
    match = BADGE.search(client.get(reverse("accounts:notices")).content.decode())
    return int(match.group(1)) if match else 0


def test_badge_follows_every_change_of_the_count(client, finance_user, bureau_user):
    client.force_login(finance_user)
    assert _badge(client) == 0  # cached now

    notice_send(users=[finance_user, bureau_user], title="甲")
    notice_send(users=[finance_user], title="乙")
    assert _badge(client) == 2

    single = Notice.objects.create(user=finance_user, title="丙")
    assert _badge(client) == 3
    single.delete()
    assert _badge(client) == 2

    notices_mark_read(user=finance_user)
    assert _badge(client) == 0
    # The other person's count is their own.
    client.force_login(bureau_user)
    assert _badge(client) == 1


def test_a_cached_page_costs_no_notice_query(client, finance_user, django_assert_num_queries):
    SummaryState.touch()  # as the first signing does: the dashboard's figures are cached
    notice_send(users=[finance_user], title="甲")
    client.force_login(finance_user)
    url = reverse("office:dashboard")
    client.get(url)
    # Only the user is read: session, notice count and summary token come from the cache.
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    assert BADGE.search(response.content.decode()).group(1) == "1"
