import pytest
from django.urls import reverse

from accounts.models import Notice, User
from enterprises.models import Enterprise, EnterpriseMembership
from tests.conftest import csrf_post
from tests.factories import EnterpriseFactory, IndustryChainFactory

pytestmark = pytest.mark.django_db
# Worked out by hand (tests/core/test_uscc.py shows the method): organisation code MA7000018,
# check digit 4.
CODE = "91510199MA70000184"


def _form(chain, **overrides):
    data = {
        "account-username": "wangfang",
        "account-full_name": "王芳",
        "account-phone": "13800001111",
        "account-email": "wangfang@example.cn",
        "account-password1": "Qingxi-2026-safe",
        "account-password2": "Qingxi-2026-safe",
        "enterprise-name": "清溪新材料科技有限公司",
        "enterprise-credit_code": CODE,
        "enterprise-legal_representative": "王建国",
        "enterprise-industry": "industry",
        "enterprise-chain": chain.pk,
        "enterprise-town": "城关镇",
        "enterprise-employees": "320",
        "enterprise-revenue": "2500",
        "enterprise-total_assets": "4000.5",
        "enterprise-figures_as_of": "2025-12-31",
        "enterprise-contact_name": "王芳",
        "enterprise-contact_phone": "0800-1234567",
        "enterprise-contact_email": "finance@example.cn",
    }
    data.update(overrides)
    return data


def test_registering_creates_a_pending_enterprise_with_its_admin(client, finance_user):
    chain = IndustryChainFactory()
    response = csrf_post(client, reverse("enterprises:register"), _form(chain), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enterprises:home")
    enterprise = Enterprise.objects.get(credit_code=CODE)
    assert enterprise.verification_status == Enterprise.VerificationStatus.PENDING
    # 2500万 revenue and 320 employees: a medium industrial enterprise.
    assert enterprise.size_class == "medium"
    assert str(enterprise.revenue) == "25000000.00"
    assert str(enterprise.total_assets) == "40005000.00"
    membership = EnterpriseMembership.objects.get(enterprise=enterprise)
    assert membership.is_admin and membership.user.username == "wangfang"
    assert membership.user.role == User.Role.ENTERPRISE
    # The finance office hears about the new enterprise to verify.
    assert Notice.objects.filter(user=finance_user, title__contains=enterprise.name).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (CODE[:-1], "统一社会信用代码应为18位，您输入的是17位"),
        (CODE[:-1] + ("0" if CODE[-1] != "0" else "1"), "校验码"),
        (CODE[:10] + "I" + CODE[11:], "不使用字母I、O、S、V、Z"),
    ],
)
def test_a_bad_code_is_refused_with_a_chinese_field_message(client, code, message):
    chain = IndustryChainFactory()
    response = csrf_post(
        client, reverse("enterprises:register"), _form(chain, **{"enterprise-credit_code": code})
    )
    assert response.status_code == 200
    errors = response.context["enterprise_form"].errors["credit_code"]
    assert any(message in e for e in errors)
    assert not Enterprise.objects.exists() and not User.objects.filter(username="wangfang").exists()


def test_a_registered_code_points_to_the_enterprise_admin(client):
    chain = IndustryChainFactory()
    EnterpriseFactory(credit_code=CODE)
    response = csrf_post(client, reverse("enterprises:register"), _form(chain))
    errors = response.context["enterprise_form"].errors["credit_code"]
    assert "请联系该企业的管理员" in errors[0]


def test_a_refused_form_comes_back_filled(client):
    chain = IndustryChainFactory()
    response = csrf_post(
        client,
        reverse("enterprises:register"),
        _form(chain, **{"account-password2": "different-pass-1"}),
    )
    body = response.content.decode()
    assert "两次输入的密码不一致" in body
    assert 'value="清溪新材料科技有限公司"' in body
    assert 'value="2500"' in body


def test_lower_case_code_with_spaces_is_stored_compacted(client):
    chain = IndustryChainFactory()
    messy = f"{CODE[:8].lower()} {CODE[8:].lower()}"
    csrf_post(
        client, reverse("enterprises:register"), _form(chain, **{"enterprise-credit_code": messy})
    )
    assert Enterprise.objects.filter(credit_code=CODE).exists()


def test_logged_in_people_are_sent_home_from_registration(client, enterprise_member):
    client.force_login(enterprise_member)
    assert client.get(reverse("enterprises:register")).status_code == 302
