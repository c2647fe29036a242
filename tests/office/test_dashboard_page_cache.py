"""Issue 11, item 9: the rendered dashboard is kept per person, and shows at once a changed
figure, a new unread notice and a waiting message, each of which changes what the page shows."""

import pytest
from django.urls import reverse

from accounts.services import notice_send
from tests.conftest import csrf_post

from .dashboard_fixtures import build_district

pytestmark = pytest.mark.django_db

URL = "office:dashboard"


@pytest.fixture
def district(db):
    return build_district()


def _kept(client, django_assert_max_num_queries):
    """Two requests (the first sets the CSRF cookie, the second keeps the page); the third is
    the kept page, which reads only the user."""
    client.get(reverse(URL), {"year": "2025"})
    client.get(reverse(URL), {"year": "2025"})
    with django_assert_max_num_queries(1):
        response = client.get(reverse(URL), {"year": "2025"})
    assert response.status_code == 200
    return response.content.decode()


def test_kept_page_follows_targets_notices_and_messages(
    client, finance_user, district, django_assert_max_num_queries
):
    client.force_login(finance_user)
    body = _kept(client, django_assert_max_num_queries)
    assert "370.00万元" in body and "37.0%" in body  # 2025 signed against the 1000万 target

    # A new overall target (it changes the summary's token) and its message after the redirect.
    response = csrf_post(
        client, reverse("office:annual_targets"), {"year": "2025", "amount": "740"}
    )
    assert response.status_code == 302
    body = client.get(reverse(URL), {"year": "2025"}).content.decode()
    assert "50.0%" in body  # 370 of 740
    assert "37.0%" not in body
    body = _kept(client, django_assert_max_num_queries)
    assert "50.0%" in body

    # A notice: the navigation bar's count shows on the kept page.
    notice_send(users=[finance_user], title="新通知")
    body = client.get(reverse(URL), {"year": "2025"}).content.decode()
    assert 'text-bg-danger">1</span>' in body


def test_each_person_gets_their_own_page(
    client, finance_user, bureau_user, district, django_assert_max_num_queries
):
    client.force_login(finance_user)
    _kept(client, django_assert_max_num_queries)
    client.force_login(bureau_user)
    body = client.get(reverse(URL), {"year": "2025"}).content.decode()
    assert bureau_user.username in body
    assert finance_user.username not in body
