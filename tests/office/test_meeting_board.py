"""Item 8 of issue 10: the hall screen's live board, open by a secret link without logging in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.board import board_token_rotate
from tests.conftest import csrf_post
from tests.factories import LoanAgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(signed_meeting, finance_user):
    return board_token_rotate(meeting=signed_meeting["meeting"], actor=finance_user)


def _screen(token):
    return reverse("office:meeting_board_screen", kwargs={"token": token})


def _live(token):
    return reverse("office:meeting_board_live", kwargs={"token": token})


def test_the_board_opens_by_its_link_without_logging_in(client, token):
    response = client.get(_screen(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert "0.50亿元" in html  # 5,000万元 in 亿元
    assert "5,000.00万元" in html
    assert 'id="board-count">3<' in html
    assert "主会场" in html and "3,500.00万元" in html


def test_the_board_polls_a_small_partial_every_two_seconds(client, token):
    html = client.get(_screen(token)).content.decode()
    assert f'hx-get="{_live(token)}"' in html and 'hx-trigger="every 2s"' in html
    live = client.get(_live(token))
    assert live.status_code == 200
    assert "<html" not in live.content.decode() and "board-total" in live.content.decode()


def test_the_board_shows_a_new_signing_at_the_next_poll(client, token, signed_meeting):
    LoanAgreementFactory(
        meeting=signed_meeting["meeting"],
        sub_venue=signed_meeting["town"],
        lead__need__enterprise__name="新签约企业有限公司",
    )  # 1,000万元 more
    html = client.get(_live(token)).content.decode()
    assert "6,000.00万元" in html and 'id="board-count">4<' in html
    assert "新签约企业有限公司" in html


def test_the_board_shows_no_personal_data(client, token, signed_meeting, officer_user):
    html = client.get(_screen(token)).content.decode()
    officer_b = signed_meeting["officer_b"].user
    for private in (
        officer_user.username,
        officer_user.email,
        officer_b.get_full_name(),
        officer_b.first_name,
        "SECRET-A1",  # contract numbers stay off the hall screen
    ):
        assert private and private not in html


@pytest.mark.parametrize("view", [_screen, _live])
def test_a_wrong_token_is_not_found(client, token, view):
    assert client.get(view(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404


def test_a_rotated_token_stops_working(client, token, signed_meeting, finance_user):
    new = board_token_rotate(meeting=signed_meeting["meeting"], actor=finance_user)
    assert new != token
    assert client.get(_screen(token)).status_code == 404
    assert client.get(_live(token)).status_code == 404
    assert client.get(_screen(new)).status_code == 200


def test_a_meeting_without_a_link_has_no_board(client, signed_meeting):
    # No token was ever made: there is nothing to guess.
    assert client.get(_screen("None")).status_code == 404


def test_the_organiser_rotates_the_link_from_the_page(web_as, finance_user, signed_meeting, token):
    web = web_as(finance_user)
    pk = signed_meeting["meeting"].pk
    response = csrf_post(
        web,
        reverse("office:meeting_board_rotate", kwargs={"pk": pk}),
        form_url=reverse("office:meeting_board_link", kwargs={"pk": pk}),
        follow=True,
    )
    signed_meeting["meeting"].refresh_from_db()
    fresh = signed_meeting["meeting"].board_token
    assert fresh and fresh != token
    assert _screen(fresh) in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["officer_user", "enterprise_member", "outsider", "other_officer_user"]
)
def test_only_government_staff_manage_the_board_link(
    signed_meeting, client, request, persona, token
):
    client.force_login(request.getfixturevalue(persona))
    pk = signed_meeting["meeting"].pk
    assert client.get(reverse("office:meeting_board_link", kwargs={"pk": pk})).status_code == 403
    assert client.post(reverse("office:meeting_board_rotate", kwargs={"pk": pk})).status_code == 403
    signed_meeting["meeting"].refresh_from_db()
    assert signed_meeting["meeting"].board_token == token


def test_the_board_link_page_needs_a_login(signed_meeting, client):
    pk = signed_meeting["meeting"].pk
    response = client.get(reverse("office:meeting_board_link", kwargs={"pk": pk}))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("view", [_screen, _live])
def test_the_board_costs_the_same_queries_however_many_signings(
    client, token, signed_meeting, view, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as first:
        client.get(view(token))
    for _ in range(8):
        LoanAgreementFactory(meeting=signed_meeting["meeting"], sub_venue=signed_meeting["main"])
    with django_assert_max_num_queries(len(first)):
        client.get(view(token))
    assert len(first) <= 6
