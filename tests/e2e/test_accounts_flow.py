"""Passwords in a real browser, at desktop and phone width: forgotten password by e-mail link,
then a change from the preferences page."""

import re

import pytest
from django.core import mail

from tests.factories import EnterpriseMemberFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "first-long-passphrase-1"
SECOND = "second-long-passphrase-2"


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_a_member_resets_a_forgotten_password_then_changes_it(request, viewport, shot, settings):
    page = request.getfixturevalue(viewport)
    width = "desktop" if viewport == "page" else "phone"
    settings.PORTAL_BASE_URL = page.base_url
    user = EnterpriseMemberFactory(user__username="zhouli", user__email="zhouli@example.com").user

    page.goto(page.base_url + "/accounts/login/")
    shot(page, f"accounts-{width}-1-login")
    page.click("text=忘记密码？")
    page.fill("#id_email", user.email)
    shot(page, f"accounts-{width}-2-reset-form")
    assert fits_the_width(page)
    page.click("button:has-text('发送链接')")
    assert "请查收邮件" in page.inner_text("main")

    assert len(mail.outbox) == 1
    link = re.search(re.escape(page.base_url) + r"(/\S+)", mail.outbox[0].body).group(0)
    page.goto(link)
    page.fill("#id_new_password1", FIRST)
    page.fill("#id_new_password2", FIRST)
    shot(page, f"accounts-{width}-3-set-password")
    assert fits_the_width(page)
    page.click("button:has-text('设置密码')")
    assert "新密码已设置" in page.inner_text("main")

    log_in(page, user.username, FIRST)
    page.goto(page.base_url + "/accounts/preferences/")
    page.click("text=修改密码")
    page.fill("#id_old_password", FIRST)
    page.fill("#id_new_password1", SECOND)
    page.fill("#id_new_password2", SECOND)
    shot(page, f"accounts-{width}-4-change-password")
    assert fits_the_width(page)
    page.click("button:has-text('修改密码')")
    assert "密码已修改" in page.inner_text("body")
    user.refresh_from_db()
    assert user.check_password(SECOND)
