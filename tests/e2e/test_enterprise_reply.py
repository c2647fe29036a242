"""Items 6 and 8 of issue 9 in a real browser, at desktop and phone width: the need page waits
for matching by itself, and the enterprise answers an officer's request for information."""

import pytest

from leads.models import Lead
from leads.services import lead_claim, lead_record_contact, lead_request_info
from matchmaking.engine import rescore_need
from tests.factories import FinancingNeedFactory, LeadFactory, LoanProductFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASKED = "请补充近三年财务报表"
REPLY = "报表已整理好，明天送到支行。"


@pytest.fixture
def lead_waiting_for_information(officer_user, enterprise):
    officer = officer_user.officer
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose="购置设备")
    lead = LeadFactory(need=need, institution=officer.institution)
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer)
    lead_request_info(lead=lead, officer=officer, note=ASKED)
    return lead


@pytest.mark.parametrize(("fixture", "suffix"), [("page", "desktop"), ("phone_page", "390")])
def test_the_enterprise_replies_on_its_need_page(
    request, fixture, suffix, shot, enterprise_member, lead_waiting_for_information
):
    page = request.getfixturevalue(fixture)
    lead = lead_waiting_for_information
    log_in(page, enterprise_member.username)
    page.goto(page.base_url + lead.need.get_absolute_url())
    card = page.locator(f"#reply-{lead.pk}")
    assert ASKED in card.inner_text()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    card.locator("textarea[name=text]").fill(REPLY)
    shot(page, f"enterprise-reply-{suffix}")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "您的答复已发送给该机构" in page.inner_text("body")
    assert page.locator(f"#reply-{lead.pk}").count() == 0
    assert REPLY in page.inner_text("#timeline")
    shot(page, f"enterprise-reply-sent-{suffix}")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED


@pytest.mark.parametrize(("fixture", "suffix"), [("page", "desktop"), ("phone_page", "390")])
def test_the_need_page_updates_itself_when_matches_arrive(
    request, fixture, suffix, shot, enterprise_member, enterprise
):
    page = request.getfixturevalue(fixture)
    product = LoanProductFactory(name="设备更新贷", tags=["mortgage", "first_loan"])
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose="购置设备")
    log_in(page, enterprise_member.username)
    page.goto(page.base_url + need.get_absolute_url())
    assert page.locator("#matching-pending").is_visible()
    shot(page, f"need-matching-{suffix}")
    rescore_need(need.pk)
    page.wait_for_selector(f"#need-matches:has-text('{product.name}')", timeout=15000)
    assert page.locator("#matching-pending").count() == 0
    shot(page, f"need-matched-{suffix}")
