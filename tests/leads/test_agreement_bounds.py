"""Item 1 of issue 9: an agreement can never inflate the totals. Every bound is the signing
service's; the page answers out-of-range values with a field error, never a server error."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, LoanAgreement
from leads.selectors import signed_totals
from leads.services import ServiceError, loan_agreement_sign
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, LeadFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

NEED_AMOUNT = Decimal("750000.00")  # 75万元, the need of the report


@pytest.fixture
def officer(officer_user):
    return officer_user.officer


@pytest.fixture
def lead(officer, enterprise):
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="in_progress",
        amount=NEED_AMOUNT,
        submitted_at=timezone.now() - dt.timedelta(days=10),
    )
    product = LoanProductFactory(institution=officer.institution, max_amount=Decimal("5000000.00"))
    return LeadFactory(
        need=need, institution=officer.institution, product=product, status=Lead.Status.APPROVED
    )


def _terms(**overrides):
    data = {
        "amount": Decimal("700000.00"),
        "rate": Decimal("3.85"),
        "term_months": 12,
        "signed_on": timezone.localdate(),
        "contract_number": "QX-2026-001",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate", Decimal("-1")),
        ("rate", Decimal("36.01")),
        ("rate", Decimal("99.99")),
        ("term_months", 0),
        ("term_months", 361),
        ("term_months", 32767),
        ("amount", Decimal("0")),
        ("amount", Decimal("-5")),
        ("amount", Decimal("100000000000000.00")),  # one fen above the numeric column
        ("signed_on", "future"),
        ("signed_on", "before_submission"),
    ],
)
def test_the_service_refuses_every_bound_on_its_field(lead, officer, field, value):
    if value == "future":
        value = timezone.localdate() + dt.timedelta(days=1)
    elif value == "before_submission":
        value = timezone.localdate(lead.need.submitted_at) - dt.timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        loan_agreement_sign(
            lead=lead, officer=officer, confirmed_large_amount=True, **_terms(**{field: value})
        )
    assert refused.value.field == field
    assert not LoanAgreement.objects.exists()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.APPROVED


@pytest.mark.parametrize(
    ("rate", "term"), [(Decimal("0"), 1), (Decimal("36"), 360), (Decimal("36.00"), 360)]
)
def test_the_bounds_themselves_are_accepted(lead, officer, rate, term):
    agreement = loan_agreement_sign(
        lead=lead, officer=officer, **_terms(rate=rate, term_months=term)
    )
    assert (agreement.rate, agreement.term_months) == (rate, term)


def test_an_amount_above_three_times_the_need_needs_confirmation(lead, officer):
    over = NEED_AMOUNT * 3 + Decimal("0.01")
    assert over < lead.product.max_amount  # only the need's rule applies here
    with pytest.raises(ServiceError) as refused:
        loan_agreement_sign(lead=lead, officer=officer, **_terms(amount=over))
    assert refused.value.field == "confirmed_large_amount"
    # The amount is shown in 万元 and in 亿元.
    assert "225.00" in refused.value.message and "0.0225" in refused.value.message
    assert signed_totals()["amount"] == 0
    agreement = loan_agreement_sign(
        lead=lead, officer=officer, confirmed_large_amount=True, **_terms(amount=over)
    )
    assert agreement.amount == over


def test_exactly_three_times_the_need_needs_no_confirmation(lead, officer):
    agreement = loan_agreement_sign(lead=lead, officer=officer, **_terms(amount=NEED_AMOUNT * 3))
    assert agreement.amount == NEED_AMOUNT * 3


def test_an_amount_above_the_products_maximum_needs_confirmation(lead, officer):
    lead.need.amount = Decimal("10000000.00")
    lead.need.save(update_fields=["amount"])
    above_product = lead.product.max_amount + Decimal("0.01")
    with pytest.raises(ServiceError) as refused:
        loan_agreement_sign(lead=lead, officer=officer, **_terms(amount=above_product))
    assert refused.value.field == "confirmed_large_amount"
    assert not LoanAgreement.objects.exists()


def _post_sign(web, lead, **overrides):
    data = {
        "amount": "70",
        "rate": "3.85",
        "term_months": "12",
        "signed_on": timezone.localdate().isoformat(),
        "contract_number": "QX-2026-009",
    }
    data.update(overrides)
    return csrf_post(
        web,
        reverse("banks:lead_sign", args=[lead.pk]),
        data,
        form_url=reverse("banks:lead_detail", args=[lead.pk]),
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate", "-1"),
        ("rate", "36.01"),
        ("rate", "99.99"),
        ("rate", "1e9"),
        ("rate", "123456789.123"),
        ("term_months", "0"),
        ("term_months", "361"),
        ("term_months", "32767"),
        ("term_months", "99999999999999999999"),
        ("amount", "0"),
        ("amount", "99999999999"),  # 万元: far beyond the numeric(16,2) column
        ("amount", "1e999999"),
        ("amount", "NaN"),
        ("amount", "Infinity"),
        ("signed_on", "2000-01-01"),
    ],
)
def test_out_of_range_values_through_the_page_give_a_field_error_not_a_500(
    web_as, officer_user, lead, field, value
):
    response = _post_sign(web_as(officer_user), lead, **{field: value})
    assert response.status_code == 400
    assert response.context["sign_form"].errors.get(field)
    assert not LoanAgreement.objects.exists()


def test_the_page_asks_for_confirmation_and_shows_wan_and_yi(web_as, officer_user, lead):
    web = web_as(officer_user)
    response = _post_sign(web, lead, amount="80000")  # 8亿 on a 75万 need
    assert response.status_code == 400
    errors = response.context["sign_form"].errors["confirmed_large_amount"]
    assert "80,000.00" in errors[0] and "8.0000" in errors[0]
    assert not LoanAgreement.objects.exists()
    response = _post_sign(web, lead, amount="80000", confirmed_large_amount="on")
    assert response.status_code == 302
    assert LoanAgreement.objects.get().amount == Decimal("800000000.00")
