"""Amounts read the way Chinese users read them: 万元 below 1亿元, 亿元 from there, separators."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import format_money, format_money_range, format_rate, format_score


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_amounts_below_one_yi_read_in_wan_with_separators():
    assert format_money(Decimal("7800000.00")) == "780.00万元"
    assert format_money(Decimal("99990000")) == "9,999.00万元"


def test_amounts_from_one_yi_read_in_yi():
    assert format_money(Decimal("100000000")) == "1.00亿元"
    assert format_money(Decimal("748000000")) == "7.48亿元"


def test_a_range_across_units_names_both_units():
    assert format_money_range(Decimal("1000000"), Decimal("1000000000")) == "100.00万元–10.00亿元"
    assert format_money_range(Decimal("1000000"), Decimal("5000000")) == "100.00–500.00万元"


def test_scores_and_rates_read_to_two_decimals():
    assert format_score(Decimal("61.0300000000000")) == "61.03"
    assert format_rate(Decimal("3.850000")) == "3.85%"


def test_missing_values_read_as_a_dash():
    assert format_money(None) == "—"
    assert format_score("") == "—"


def test_label_filters_show_enum_labels_not_codes():
    rendered = Template(
        '{% load money %}{{ sizes|labels:"size_class" }}|{{ role|actor_role }}|{{ none|labels:"size_class" }}'
    ).render(
        Context({"sizes": ["micro", "small"], "role": "government:finance_office", "none": []})
    )
    assert rendered == "微型、小型|区金融办|不限"
