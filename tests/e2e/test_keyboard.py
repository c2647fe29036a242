"""The main flows with the keyboard alone (Tab, Enter, Space, arrow keys), every focus stop visibly
outlined: an enterprise registers and submits a need, the finance office verifies it, an officer
claims a lead and records the signed agreement. Also the skip link, the error summary taking focus
and the results heading taking focus after filtering."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from core.uscc import make_uscc
from enterprises.models import Enterprise, FinancingNeed
from leads.models import Lead, LoanAgreement
from matchmaking.engine import rescore_need
from tests.factories import (
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    IndustryChainFactory,
    InstitutionFactory,
    LoanProductFactory,
)

from .keyboard import Keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = make_uscc("91510199MA710002")
PASSWORD = "pass-word-123"
# Skip link, brand, seven nav links (home, leads, products, enterprises I advise, catalogue, my
# meetings, notices), language, user, log out, two links above the list, the lead.
MAX_STOPS_TO_FIRST_LEAD = 16


def _date_keys(day: dt.date) -> str:
    # Headless Debian Chromium lays its date field out month/day/year whatever the page's locale;
    # typed digits fill the segments in that order.
    return day.strftime("%m%d%Y")


def test_register_and_submit_a_need_by_keyboard(page, shot, finance_user):
    chain = IndustryChainFactory(name="氟材料")
    LoanProductFactory(institution=InstitutionFactory(name="测试银行清溪支行"))
    keys = Keyboard(page)

    page.goto(page.base_url + "/enterprise/register/")
    # The first stop is the skip link; Enter moves focus to the main content.
    keys.tab_to("a.portal-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    keys.type_into("#id_account-username", "liming")
    keys.type_into("#id_account-full_name", "李明")
    keys.type_into("#id_account-phone", "13812345678")
    keys.type_into("#id_account-email", "liming@example.cn")
    keys.type_into("#id_account-password1", "Qingxi-2026-safe")
    keys.type_into("#id_account-password2", "Qingxi-2026-safe")
    keys.type_into("#id_enterprise-name", "清溪氟新材料有限公司")
    keys.type_into("#id_enterprise-credit_code", CODE)
    keys.type_into("#id_enterprise-legal_representative", "李建华")
    keys.choose("#id_enterprise-industry", "industry")
    keys.choose("#id_enterprise-chain", str(chain.pk))
    keys.type_into("#id_enterprise-employees", "80")
    keys.type_into("#id_enterprise-revenue", "1500")
    keys.type_into("#id_enterprise-total_assets", "3000")
    keys.type_into("#id_enterprise-figures_as_of", _date_keys(dt.date(2025, 12, 31)))
    assert page.input_value("#id_enterprise-figures_as_of") == "2025-12-31"
    keys.type_into("#id_enterprise-contact_name", "李明")
    keys.type_into("#id_enterprise-contact_phone", "13812345678")
    keys.press("main button[type=submit]", "注册")
    shot(page, "kbd-registered")
    assert "待核验" in page.inner_text("main")
    assert Enterprise.objects.filter(credit_code=CODE).exists()

    # A failed submit puts focus on the error summary, whose links lead to each field.
    page.goto(page.base_url + "/enterprise/needs/new/")
    keys.press("button[name=submit]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    summary = page.locator("[data-error-summary]")
    assert "个问题" in summary.inner_text()
    keys.tab_to("[data-error-summary] a[href='#id_amount']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_amount"
    assert page.get_attribute("#id_amount", "aria-invalid") == "true"
    assert "id_amount_error" in page.get_attribute("#id_amount", "aria-describedby")
    shot(page, "kbd-need-form-errors")

    page.keyboard.press("Control+A")
    page.keyboard.type("300")
    keys.type_into("#id_term_months", "12")
    keys.type_into("#id_max_rate", "4.5")
    keys.type_into("#id_purpose", "购买萤石原料")
    keys.type_into("#id_needed_by", _date_keys(timezone.localdate() + dt.timedelta(days=45)))
    keys.tick("input[name=collateral][value=real_estate]")
    shot(page, "kbd-need-form-filled")
    keys.press("button[name=submit]")
    assert not page.locator("[data-error-summary]").count(), page.inner_text("[data-error-summary]")
    need = FinancingNeed.objects.get(purpose="购买萤石原料")
    assert need.status == FinancingNeed.Status.SUBMITTED
    assert str(need.amount) == "3000000.00"
    assert need.collateral == ["real_estate"] or "real_estate" in str(need.collateral)
    assert not keys.unseen_focus, keys.unseen_focus

    # The finance office verifies the new enterprise, by keyboard too.
    page.context.clear_cookies()
    keys.log_in(finance_user.username, PASSWORD)
    # The verification queue is in the navigation's "Reviews" menu: Enter opens it, Tab enters it.
    keys.tab_to("#portal-nav a.dropdown-toggle", "审核")
    page.keyboard.press("Enter")
    assert page.get_attribute("#portal-nav a.dropdown-toggle >> nth=0", "aria-expanded") == "true"
    keys.press("#portal-nav a.dropdown-item", "企业核验")
    keys.press("main a", "清溪氟新材料有限公司")
    keys.tick("input[name=decision][value=approve]")
    assert page.is_checked("input[name=decision][value=approve]")
    keys.press("button[type=submit]", "提交审核结论")
    assert Enterprise.objects.get(credit_code=CODE).is_verified
    assert not keys.unseen_focus, keys.unseen_focus
    print(f"{keys.stops} focus stops, all visibly outlined")


def test_an_officer_claims_and_signs_by_keyboard(page, shot, officer_user, institution):
    chain = IndustryChainFactory(name="锌材料")
    LoanProductFactory(
        institution=institution, name="锌业流动资金贷", tags=["mortgage", "first_loan"]
    )
    member = EnterpriseMemberFactory(
        enterprise__name="清溪锌业有限公司", enterprise__chain=chain
    ).user
    need = FinancingNeedFactory(
        enterprise=member.enterprise_membership.enterprise, status="submitted", purpose="采购锌锭"
    )
    rescore_need(need.pk)
    assert Lead.objects.filter(institution=institution).count() == 1
    keys = Keyboard(page)

    keys.log_in(officer_user.username, PASSWORD)
    keys.press("#portal-nav a", "线索")
    # The first lead comes before the filters: from the top of the page, only the header's links
    # and the two links above the list (there were 32 filter stops in front of it).
    stops_before = keys.stops
    keys.press("#lead-table a", "清溪锌业有限公司")
    assert keys.stops - stops_before <= MAX_STOPS_TO_FIRST_LEAD
    keys.press("button", "认领（分配给我）")
    assert page.inner_text("#lead-status") == "已认领"
    keys.type_into("form[action$='/contact/'] textarea[name=note]", "已电话联系企业财务总监")
    keys.press("button", "登记已联系")
    assert page.inner_text("#lead-status") == "已联系"
    keys.press("button", "进入授信审批")
    keys.press("form[action$='/approve/'] button")
    assert page.inner_text("#lead-status") == "已批准"
    keys.type_into("#id_amount", "180")
    keys.type_into("#id_rate", "3.85")
    keys.type_into("#id_term_months", "12")
    keys.type_into("#id_contract_number", "GH-QX-2026-0088")
    keys.press("button", "登记签约")
    assert page.inner_text("#lead-status") == "已签约"
    shot(page, "kbd-officer-signed")
    agreement = LoanAgreement.objects.get(lead__need=need)
    assert agreement.contract_number == "GH-QX-2026-0088"
    assert not keys.unseen_focus, keys.unseen_focus


def test_filtering_moves_focus_to_the_announced_results(page, officer_user, institution):
    keys = Keyboard(page)
    keys.log_in(officer_user.username, PASSWORD)
    page.goto(page.base_url + "/bank/leads/")
    nav_item = page.locator("#portal-nav a[aria-current=page]")
    assert nav_item.count() == 1 and nav_item.get_attribute("href") == "/bank/leads/"
    keys.press("#lead-filters button[type=submit]")
    assert page.evaluate("document.activeElement.id") == "results"
    status = page.locator("[data-results-count]")
    assert status.get_attribute("role") == "status"
    page.wait_for_function(
        "document.querySelector('[data-results-count]').textContent.trim() !== ''"
    )
    assert status.inner_text() == "0 条结果"


def test_the_language_changes_only_when_its_button_is_pressed(page, shot):
    keys = Keyboard(page)
    page.goto(page.base_url + "/catalogue/")
    button = page.locator(".portal-language-switch button")
    assert button.count() == 1
    assert button.get_attribute("lang") == "en" and button.inner_text() == "English"
    keys.tab_to(".portal-language-switch button")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert urlsplit(page.url).path == "/catalogue/"
    # Focus is back on the switch, now offering Chinese.
    assert page.evaluate("document.activeElement.getAttribute('lang')") == "zh-hans"
    assert not keys.unseen_focus, keys.unseen_focus
