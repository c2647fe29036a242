import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import Enterprise, FinancingNeed
from tests.factories import IndustryChainFactory, InstitutionFactory, LoanProductFactory

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = "91510199MA7100019R"  # hand-computed: organisation check 9, check digit R


def test_register_verify_and_submit_a_need(page, shot, finance_user):
    chain = IndustryChainFactory(name="氟材料")
    LoanProductFactory(institution=InstitutionFactory(name="测试银行清溪支行"))

    page.goto(page.base_url + "/enterprise/register/")
    assert page.title().startswith("企业注册")
    page.fill("#id_account-username", "liming")
    page.fill("#id_account-full_name", "李明")
    page.fill("#id_account-phone", "13812345678")
    page.fill("#id_account-email", "liming@example.cn")
    page.fill("#id_account-password1", "Qingxi-2026-safe")
    page.fill("#id_account-password2", "Qingxi-2026-safe")
    page.fill("#id_enterprise-name", "清溪氟新材料有限公司")
    page.fill("#id_enterprise-credit_code", CODE.lower())
    page.fill("#id_enterprise-legal_representative", "李建华")
    page.select_option("#id_enterprise-industry", "industry")
    page.select_option("#id_enterprise-chain", str(chain.pk))
    page.fill("#id_enterprise-employees", "80")
    page.fill("#id_enterprise-revenue", "1500")
    page.fill("#id_enterprise-total_assets", "3000")
    page.fill("#id_enterprise-figures_as_of", "2025-12-31")
    page.fill("#id_enterprise-contact_name", "李明")
    page.fill("#id_enterprise-contact_phone", "13812345678")
    shot(page, "01-register")
    page.click("button:has-text('注册')")
    page.wait_for_url("**/enterprise/")
    assert "待核验" in page.content()
    assert "小型" in page.content()  # 80 persons, 1500万: small
    shot(page, "02-enterprise-home-pending")
    log_out(page)

    log_in(page, finance_user.username)
    page.click("nav >> text=审核")  # the finance office's review menu
    page.click("text=企业核验")
    page.click("text=清溪氟新材料有限公司")
    shot(page, "03-verification-detail")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('提交审核结论')")
    page.wait_for_url("**/office/verifications/")
    assert "暂无待核验企业" in page.content()
    assert Enterprise.objects.get(credit_code=CODE).is_verified
    log_out(page)

    log_in(page, "liming", "Qingxi-2026-safe")
    page.click("text=新建融资需求")
    page.fill("#id_amount", "300")
    page.fill("#id_term_months", "12")
    page.fill("#id_max_rate", "4.5")
    page.fill("#id_purpose", "购买萤石原料")
    page.fill("#id_needed_by", (timezone.localdate() + dt.timedelta(days=45)).isoformat())
    page.check("input[name=collateral][value=real_estate]")
    shot(page, "04-need-form")
    page.click("button[name=submit]")
    page.wait_for_url("**/enterprise/needs/*/")
    assert page.inner_text("#need-status") == "已提交"
    shot(page, "05-need-detail")
    page.click("nav >> text=融资需求")
    row = page.locator("tr", has_text="购买萤石原料")
    assert "已提交" in row.inner_text()
    assert "300.00万元" in row.inner_text()
    shot(page, "06-need-list")
    need = FinancingNeed.objects.get(purpose="购买萤石原料")
    assert need.status == FinancingNeed.Status.SUBMITTED
    assert str(need.amount) == "3000000.00"


def test_a_form_error_is_shown_in_chinese_beside_its_field(page, shot, enterprise_member):
    log_in(page, enterprise_member.username)
    page.goto(page.base_url + "/enterprise/needs/new/")
    page.fill("#id_term_months", "12")
    page.fill("#id_purpose", "补充流动资金")
    page.fill("#id_needed_by", "2020-01-01")
    page.click("button[name=save]")
    assert page.inner_text("#id_amount_error") == "该字段是必填项。"
    assert page.inner_text("#id_needed_by_error") == "日期不能早于今天。"
    # What was typed is still there.
    assert page.input_value("#id_purpose") == "补充流动资金"
    # Amount and rate left empty, a past date: three problems, counted and linked.
    assert "此表单有 3 个问题" in page.inner_text("[data-error-summary]")
    shot(page, "07-need-form-errors")
    assert not FinancingNeed.objects.exists()


def test_pages_fit_a_phone_screen(phone_page, shot, enterprise_member):
    log_in(phone_page, enterprise_member.username)
    phone_page.goto(phone_page.base_url + "/enterprise/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone_page, "08-enterprise-home-phone")
