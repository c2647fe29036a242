"""The bounds of an agreement's figures, checked before anything is saved: one table of values at
and beyond every bound with the Chinese message each gets (empty: accepted). Also when an amount
counts as suspiciously large, and who hears of a correction request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice, User
from enterprises.models import FinancingNeed
from leads.models import Lead
from leads.services import (
    agreement_amount_is_large,
    agreement_correction_request,
    agreement_terms_check,
)
from tests.factories import (
    FinancingNeedFactory,
    LeadFactory,
    LoanAgreementFactory,
    LoanProductFactory,
    OfficerFactory,
    UserFactory,
)

VALID = {"amount": Decimal("1000000.00"), "rate": Decimal("3.85"), "term_months": 12}
# The need of these tests was submitted this many days before the run's day.
SUBMITTED_DAYS_AGO = 10
ABOVE_ZERO = "请输入大于零的金额。"
UP_TO_MAX = "请输入不超过1,000,000亿元的金额，精确到分。"
RATE_RANGE = "请输入0%至36%之间的年利率。"
RATE_PLACES = "年利率最多保留两位小数。"
TERM_RANGE = "请输入1至360个月之间的期限。"

CASES = [
    ("amount", Decimal("0.01"), None),
    ("amount", 500000, None),  # a whole number of yuan, as an int
    ("amount", Decimal("99999999999999.99"), None),  # the largest the column holds
    ("amount", Decimal("0.00"), ABOVE_ZERO),
    ("amount", Decimal("-5.00"), ABOVE_ZERO),
    ("amount", None, ABOVE_ZERO),
    ("amount", True, ABOVE_ZERO),
    ("amount", "100", ABOVE_ZERO),
    ("amount", Decimal("NaN"), ABOVE_ZERO),
    ("amount", Decimal("Infinity"), ABOVE_ZERO),
    ("amount", Decimal("100000000000000.00"), UP_TO_MAX),
    ("amount", Decimal("10.001"), UP_TO_MAX),
    ("rate", Decimal("0"), None),
    ("rate", Decimal("36"), None),
    ("rate", 4, None),
    ("rate", Decimal("36.01"), RATE_RANGE),
    ("rate", Decimal("-0.01"), RATE_RANGE),
    ("rate", None, RATE_RANGE),
    ("rate", Decimal("3.855"), RATE_PLACES),
    ("term_months", 1, None),
    ("term_months", 360, None),
    ("term_months", 0, TERM_RANGE),
    ("term_months", 361, TERM_RANGE),
    ("term_months", True, TERM_RANGE),
    ("term_months", "12", TERM_RANGE),
    ("signed_on", None, "请填写签约日期。"),
    ("signed_on", "2026-01-01", "请填写签约日期。"),
]


def _check(**changes):
    """The bounds check of a need submitted SUBMITTED_DAYS_AGO, signed yesterday unless
    ``changes`` say otherwise. "Today" is read at the call, as the service reads it: a run that
    crosses midnight must not compare against the day the module was imported."""
    today = timezone.localdate()
    submitted = today - dt.timedelta(days=SUBMITTED_DAYS_AGO)
    submitted_at = timezone.make_aware(dt.datetime.combine(submitted, dt.time(10)))
    need = FinancingNeed(submitted_at=submitted_at)  # only the submission date is read
    values = VALID | {"signed_on": today - dt.timedelta(days=1)} | changes
    return agreement_terms_check(need=need, **values)


@pytest.mark.parametrize(("field", "value", "message"), CASES)
def test_each_bound_of_an_agreement(field, value, message):
    assert _check(**{field: value}) == ({field: message} if message else {})


@pytest.mark.parametrize(
    ("days_from_today", "message"),
    [
        (0, None),
        (-SUBMITTED_DAYS_AGO, None),
        (1, "签约日期不能晚于今天。"),
        (-SUBMITTED_DAYS_AGO - 1, "签约日期不能早于需求提交日期（{submitted}）。"),
    ],
)
def test_the_signing_date_lies_between_the_submission_and_today(days_from_today, message):
    today = timezone.localdate()
    errors = _check(signed_on=today + dt.timedelta(days=days_from_today))
    submitted = (today - dt.timedelta(days=SUBMITTED_DAYS_AGO)).isoformat()
    assert errors == ({"signed_on": message.format(submitted=submitted)} if message else {})


def test_a_need_never_submitted_bounds_only_by_today():
    errors = agreement_terms_check(
        need=FinancingNeed(submitted_at=None),
        **VALID,
        signed_on=dt.date(2000, 1, 1),
    )
    assert errors == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "with_product", "large"),
    [
        # Need: 200万元, so three times is 600万元; the product lends up to 500万元.
        (Decimal("5000000.00"), True, False),
        (Decimal("5000000.01"), True, True),
        (Decimal("5500000.00"), False, False),
        (Decimal("6000000.00"), False, False),
        (Decimal("6000000.01"), False, True),
    ],
)
def test_an_amount_is_large_above_three_times_the_need_or_the_product_s_maximum(
    amount, with_product, large
):
    need = FinancingNeedFactory(amount=Decimal("2000000.00"), status="in_progress")
    product = LoanProductFactory(max_amount=Decimal("5000000.00")) if with_product else None
    lead = LeadFactory(need=need, product=product, status=Lead.Status.APPROVED)
    assert agreement_amount_is_large(lead=lead, need=need, amount=amount) is large


@pytest.mark.django_db
def test_a_correction_request_goes_to_the_active_finance_office_only():
    agreement = LoanAgreementFactory(contract_number="HT-2026-001")
    agreement.institution.short_name = "清溪农商行"
    agreement.institution.save()
    officer = OfficerFactory(institution=agreement.institution)
    office = [
        UserFactory(role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE)
        for _ in range(2)
    ]
    not_told = [
        UserFactory(
            role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE, is_active=False
        ),
        UserFactory(role=User.Role.GOVERNMENT, department=User.Department.DEVELOPMENT_REFORM),
    ]
    agreement_correction_request(
        agreement=agreement, officer=officer, kind="void", reason="合同重复登记"
    )
    expected = [
        (
            "清溪农商行申请：作废签约（合同编号：HT-2026-001）",
            "合同重复登记",
            reverse("office:agreement_corrections"),
        )
    ]
    for user in office:
        assert (
            list(Notice.objects.filter(user=user).values_list("title", "body", "url")) == expected
        )
    assert not Notice.objects.filter(user__in=not_told).exists()
