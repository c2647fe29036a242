"""Passwords (change, forgotten) and login throttling (django-axes)."""

import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.urls import reverse

from tests.conftest import csrf_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
WRONG_ATTEMPTS = 30


@pytest.fixture
def member(db):
    user = UserFactory(username="liuyang", email="liuyang@example.com")
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, username, password, url=None):
    url = url or reverse("accounts:login")
    return csrf_post(client, url, {"username": username, "password": password})


def _without_token(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", html)  # CSRF tokens (form field and htmx header)


def test_unknown_user_and_wrong_password_get_the_same_answer(client, member):
    unknown = login(client, "nobody-here", "whatever1")
    wrong = login(client, member.username, "whatever1")
    assert unknown.status_code == wrong.status_code == 200
    # Same page apart from the user name typed back into the form.
    assert _without_token(unknown.content.decode()).replace("nobody-here", "X") == _without_token(
        wrong.content.decode()
    ).replace(member.username, "X")


def test_thirty_wrong_passwords_lock_the_right_one_out_until_an_administrator_lifts_it(
    client, member
):
    for _ in range(WRONG_ATTEMPTS):
        login(client, member.username, "wrong-password")
    refused = login(client, member.username, PASSWORD)
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    reset(username=member.username)  # what the axes admin's "delete attempts" does
    accepted = login(client, member.username, PASSWORD)
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_the_admin_login_is_throttled_too(client, db):
    admin_user = UserFactory(username="jrb-admin", is_staff=True, is_superuser=True)
    admin_user.set_password(PASSWORD)
    admin_user.save()
    url = reverse("admin:login")
    for _ in range(WRONG_ATTEMPTS):
        login(client, admin_user.username, "wrong-password", url=url)
    refused = login(client, admin_user.username, PASSWORD, url=url)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_administrator_lifts_a_lockout_in_the_admin(client, member):
    from django.test import Client

    for _ in range(WRONG_ATTEMPTS):
        login(client, member.username, "wrong-password")
    attempt = AccessAttempt.objects.get(username=member.username)
    admin_user = UserFactory(username="jrb-admin", is_staff=True, is_superuser=True)
    administrator = Client(enforce_csrf_checks=True)  # a second browser
    administrator.force_login(admin_user)
    response = csrf_post(
        administrator,
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=member.username).exists()
    assert login(client, member.username, PASSWORD).status_code == 302


def test_lockout_counts_unknown_user_names_alike(client):
    for _ in range(WRONG_ATTEMPTS):
        login(client, "nobody-here", "wrong-password")
    assert login(client, "nobody-here", "wrong-password").status_code == 429


def test_a_member_changes_their_password_from_the_preferences_page(web_as, member):
    web = web_as(member)
    preferences = web.get(reverse("accounts:preferences")).content.decode()
    assert reverse("accounts:password_change") in preferences
    page = web.get(reverse("accounts:password_change"))
    assert "修改密码" in page.content.decode()
    response = csrf_post(
        web,
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-long-passphrase-9")


def test_a_wrong_current_password_changes_nothing(web_as, member):
    web = web_as(member)
    response = csrf_post(
        web,
        reverse("accounts:password_change"),
        {
            "old_password": "not-it",
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_the_login_page_links_the_forgotten_password_flow(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in page
    assert "忘记密码" in page


def test_a_forgotten_password_is_reset_through_an_emailed_link(
    client, member, smtp_server, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    response = csrf_post(client, reverse("accounts:password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(smtp_server) == 1
    mail = smtp_server[0]
    assert mail["To"] == member.email
    body = mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")
    assert "设置新密码" in body
    link = re.search(r"https://portal\.example\.gov\.cn(/\S+)", body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = csrf_post(
        client,
        set_url,
        {"new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-long-passphrase-9")
    # The link works once.
    assert "不再有效" in client.get(link, follow=True).content.decode()


def test_the_reset_form_answers_the_same_for_an_unknown_address(client, member, smtp_server):
    known = csrf_post(client, reverse("accounts:password_reset"), {"email": member.email})
    unknown = csrf_post(client, reverse("accounts:password_reset"), {"email": "who@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m["To"] for m in smtp_server] == [member.email]
