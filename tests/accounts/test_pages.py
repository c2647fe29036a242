from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import csrf_post

pytestmark = pytest.mark.django_db

ROLE_HOMES = {
    "enterprise_member": "enterprises:home",
    "officer_user": "banks:home",
    "finance_user": "office:office_home",
    "bureau_user": "office:office_home",
}


def test_login_page_is_in_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_an_english_browser_still_gets_chinese_by_default(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()


def test_the_language_switch_turns_the_portal_english(client):
    csrf_post(
        client,
        reverse("set_language"),
        {"language": "en", "next": reverse("accounts:login")},
    )
    response = client.get(reverse("accounts:login"))
    assert "Log in" in response.content.decode()
    assert "登录" not in response.content.decode()


@pytest.mark.parametrize("name", ["home", "enterprises:home", "banks:home", "office:office_home"])
def test_anonymous_visitors_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logging_in_with_a_wrong_password_shows_a_chinese_error(client, enterprise_member):
    login_url = reverse("accounts:login")
    response = csrf_post(client, login_url, {"username": "chenjing", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_logging_in_sends_each_role_home(client, enterprise_member):
    login_url = reverse("accounts:login")
    response = csrf_post(
        client,
        login_url,
        {"username": "chenjing", "password": "pass-word-123"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("enterprises:home")


@pytest.mark.parametrize(("persona", "url_name"), ROLE_HOMES.items())
def test_each_role_has_a_home_page(request, client, persona, url_name):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(url_name)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("enterprise_member", "banks:home"),
        ("enterprise_member", "office:office_home"),
        ("officer_user", "enterprises:home"),
        ("officer_user", "office:office_home"),
        ("finance_user", "enterprises:home"),
        ("finance_user", "banks:home"),
        ("outsider", "enterprises:home"),
        ("outsider", "banks:home"),
        ("outsider", "office:office_home"),
    ],
)
def test_other_roles_are_refused(request, client, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == 403


def test_a_user_without_a_role_is_told_to_contact_the_office(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "金融办" in response.content.decode()


def test_enterprise_home_shows_its_size_class_and_why(client, enterprise_member, enterprise):
    client.force_login(enterprise_member)
    body = client.get(reverse("enterprises:home")).content.decode()
    assert enterprise.name in body
    assert enterprise.get_size_class_display() in body


def test_office_home_shows_the_signed_total_in_yi(client, finance_user):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(finance_user)
    body = client.get(reverse("office:office_home")).content.decode()
    assert "7.48亿元" in body
