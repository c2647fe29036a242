"""In a real browser a form is sent once: a second click while it is posting sends nothing, the form
says it is busy, and the button that was clicked still tells the server what was meant."""

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import FinancingNeed

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_need_form(page):
    page.goto(page.base_url + "/enterprise/needs/new/")
    page.fill("#id_amount", "１２０")  # typed in full width, as a Chinese input method does
    page.fill("#id_term_months", "12")
    page.fill("#id_purpose", "购买原材料")
    page.select_option("#id_loan_kind", "new")
    page.fill("#id_max_rate", "4.35")
    page.fill("#id_needed_by", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.check("input[name=visibility][value=all_matched]")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_double_click_on_submit_sends_one_post(browser, live_server, enterprise_member, width):
    enterprise_member.set_password("pass-word-123")
    enterprise_member.save()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        log_in(page, enterprise_member.username)
        _fill_need_form(page)
        posts = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        button = page.locator("button[name=submit]")
        button.click(no_wait_after=True)
        busy = page.evaluate(
            "document.querySelector('form[method=post] [name=form_token]')"
            ".form.getAttribute('aria-busy')"
        )
        button.click(no_wait_after=True, force=True)
        page.wait_for_url("**/enterprise/needs/*/")
        assert busy == "true"
        assert len([url for url in posts if url.endswith("/enterprise/needs/new/")]) == 1
        need = FinancingNeed.objects.get(enterprise__members__user=enterprise_member)
        assert need.status == FinancingNeed.Status.SUBMITTED  # the clicked button's name was sent
        assert need.amount == 120 * 10_000
        page.go_back()
        page.wait_for_load_state()
        assert page.locator("button[name=submit]").is_enabled()
    finally:
        context.close()
