import pytest

from leads.models import Lead, LoanAgreement
from matchmaking.engine import rescore_need
from tests.factories import (
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    IndustryChainFactory,
    LoanProductFactory,
)

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_works_a_lead_to_a_signed_agreement(page, shot, officer_user, institution):
    chain = IndustryChainFactory(name="锌材料")
    other_chain = IndustryChainFactory(name="茶产业")
    LoanProductFactory(
        institution=institution, name="锌业流动资金贷", tags=["mortgage", "first_loan"]
    )
    member = EnterpriseMemberFactory(
        enterprise__name="清溪锌业有限公司", enterprise__chain=chain
    ).user
    need = FinancingNeedFactory(
        enterprise=member.enterprise_membership.enterprise, status="submitted", purpose="采购锌锭"
    )
    other = FinancingNeedFactory(
        enterprise__chain=other_chain, status="submitted", purpose="茶园改造"
    )
    rescore_need(need.pk)
    rescore_need(other.pk)
    assert Lead.objects.filter(institution=institution).count() == 2

    log_in(page, officer_user.username)
    page.goto(page.base_url + "/bank/leads/")
    assert page.locator("#lead-table tbody tr").count() == 2
    page.select_option("#id_chain", str(chain.pk))
    page.click("#lead-filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#lead-table tbody tr")
    assert rows.count() == 1 and "采购锌锭" in rows.inner_text()
    shot(page, "11-officer-inbox-filtered")

    page.click("text=清溪锌业有限公司")
    page.click("button:has-text('认领（分配给我）')")
    assert page.inner_text("#lead-status") == "已认领"
    page.fill("form[action$='/contact/'] textarea[name=note]", "已电话联系企业财务总监")
    page.click("button:has-text('登记已联系')")
    assert page.inner_text("#lead-status") == "已联系"
    page.click("button:has-text('进入授信审批')")
    page.click("form[action$='/approve/'] button")
    assert page.inner_text("#lead-status") == "已批准"
    shot(page, "12-officer-lead-approved")
    page.fill("#id_amount", "180")
    page.fill("#id_rate", "3.85")
    page.fill("#id_term_months", "12")
    page.fill("#id_contract_number", "GH-QX-2026-0088")
    page.click("button:has-text('登记签约')")
    assert page.inner_text("#lead-status") == "已签约"
    shot(page, "13-officer-lead-signed")
    agreement = LoanAgreement.objects.get(lead__need=need)
    assert str(agreement.amount) == "1800000.00" and agreement.contract_number == "GH-QX-2026-0088"
    log_out(page)

    log_in(page, member.username)
    page.goto(page.base_url + need.get_absolute_url())
    assert page.inner_text("#need-status") == "已签约"
    timeline = page.inner_text("#timeline")
    for step in ("已认领", "已联系", "审批中", "已批准", "已签约", "已电话联系企业财务总监"):
        assert step in timeline
    shot(page, "14-enterprise-sees-every-step")
