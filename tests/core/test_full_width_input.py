"""Codes, phone numbers and numbers typed with a Chinese input method (full-width) are read as
half-width before they are checked, in every form."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.forms import AccountForm
from banks.forms import LoanProductForm
from enterprises.forms import EnterpriseRegistrationForm, FinancingNeedForm
from enterprises.models import Enterprise, FinancingNeed
from leads.forms import SignForm
from office.forms import ScoringPolicyForm
from tests.conftest import csrf_post
from tests.factories import IndustryChainFactory

pytestmark = pytest.mark.django_db

# Typed with a Chinese input method in full-width mode (U+FF10… digits, U+FF21… letters).
FULL_WIDTH_CODE = "９１４４０３００７０８４６１１３６Ｔ"
HALF_WIDTH_CODE = "91440300708461136T"


def test_a_full_width_credit_code_registers(client):
    chain = IndustryChainFactory()
    data = {
        "account-username": "wangfang",
        "account-full_name": "王芳",
        "account-phone": "１３８００００１１１１",
        "account-email": "wangfang@example.cn",
        "account-password1": "Qingxi-2026-safe",
        "account-password2": "Qingxi-2026-safe",
        "enterprise-name": "深圳某科技有限公司",
        "enterprise-credit_code": FULL_WIDTH_CODE,
        "enterprise-legal_representative": "王建国",
        "enterprise-industry": "industry",
        "enterprise-chain": chain.pk,
        "enterprise-employees": "３２０",
        "enterprise-revenue": "２５００",
        "enterprise-total_assets": "４０００．５",
        "enterprise-figures_as_of": "2025-12-31",
        "enterprise-contact_name": "王芳",
        "enterprise-contact_phone": "０８００－１２３４５６７",
        "enterprise-contact_email": "finance@example.cn",
    }
    response = csrf_post(client, reverse("enterprises:register"), data)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=HALF_WIDTH_CODE)
    assert enterprise.employees == 320
    assert enterprise.total_assets == Decimal("40005000.00")
    assert enterprise.contact_phone == "0800-1234567"
    assert enterprise.members.get().user.phone == "13800001111"


def test_the_registration_form_names_the_wrong_part_of_a_full_width_code():
    form = EnterpriseRegistrationForm({"credit_code": "９４４４０３００７０８４６１１３６Ｔ"})
    form.is_valid()
    assert "机构类别" in form.errors["credit_code"][0]
    assert "不允许的字符" not in form.errors["credit_code"][0]


def test_an_ideographic_space_in_a_phone_number_is_a_space():
    form = AccountForm({"phone": "\u3000１３８００００１１１１\u3000"})
    form.is_valid()
    assert "phone" not in form.errors
    assert form.cleaned_data["phone"] == "13800001111"


def test_need_amount_term_and_rate_accept_full_width(enterprise):
    form = FinancingNeedForm(
        {
            "amount": "１２３．４５",
            "term_months": "２４",
            "purpose": "购买原材料",
            "loan_kind": "new",
            "max_rate": "４。３５",
            "needed_by": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "visibility": FinancingNeed.Visibility.ALL_MATCHED,
        },
        enterprise=enterprise,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1234500.00")
    assert form.cleaned_data["term_months"] == 24
    assert form.cleaned_data["max_rate"] == Decimal("4.35")


def test_product_bounds_accept_full_width():
    form = LoanProductForm({"min_term_months": "６", "max_rate": "４．８０", "min_amount": "５０"})
    form.is_valid()
    assert form.cleaned_data["min_term_months"] == 6
    assert form.cleaned_data["max_rate"] == Decimal("4.80")
    assert form.cleaned_data["min_amount"] == Decimal("500000.00")


def test_signing_amount_rate_term_and_contract_number_accept_full_width():
    form = SignForm(
        {
            "amount": "１５０",
            "rate": "３．８５",
            "term_months": "１２",
            "signed_on": timezone.localdate().isoformat(),
            "contract_number": "ＱＸ－２０２６－００１",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1500000.00")
    assert form.cleaned_data["contract_number"] == "QX-2026-001"


def test_scoring_weights_accept_full_width():
    form = ScoringPolicyForm({"weight_amount": "２０"})
    form.is_valid()
    assert "weight_amount" not in form.errors
    assert form.cleaned_data["weight_amount"] == 20
