"""Size classes at every threshold of every row of the national standard.

The table below is transcribed independently from SIZE_STANDARD.md (工信部联企业〔2011〕300号 and
the 2017 statistical rules), so a slip in the code's table shows up here.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from core.sizing import classify

X, Y, Z = "employees", "revenue", "assets"
# industry: {measure: (large, medium, small) lower bounds}; X persons, Y and Z in 万元
STANDARD = {
    "agriculture": {Y: (20000, 500, 50)},
    "industry": {X: (1000, 300, 20), Y: (40000, 2000, 300)},
    "construction": {Y: (80000, 6000, 300), Z: (80000, 5000, 300)},
    "wholesale": {X: (200, 20, 5), Y: (40000, 5000, 1000)},
    "retail": {X: (300, 50, 10), Y: (20000, 500, 100)},
    "transport": {X: (1000, 300, 20), Y: (30000, 3000, 200)},
    "warehousing": {X: (200, 100, 20), Y: (30000, 1000, 100)},
    "postal": {X: (1000, 300, 20), Y: (30000, 2000, 100)},
    "accommodation": {X: (300, 100, 10), Y: (10000, 2000, 100)},
    "catering": {X: (300, 100, 10), Y: (10000, 2000, 100)},
    "information_transmission": {X: (2000, 100, 10), Y: (100000, 1000, 100)},
    "software_it": {X: (300, 100, 10), Y: (10000, 1000, 50)},
    "real_estate": {Y: (200000, 1000, 100), Z: (10000, 5000, 2000)},
    "property_management": {X: (1000, 300, 100), Y: (5000, 1000, 500)},
    "leasing_business": {X: (300, 100, 10), Z: (120000, 8000, 100)},
    "other": {X: (300, 100, 10)},
}
CLASSES = ["large", "medium", "small"]
NEXT_DOWN = {"large": "medium", "medium": "small", "small": "micro"}


def _figures(row, class_index, *, below=None):
    """Figures exactly at the lower bounds of a class; ``below`` puts one measure just under."""
    values = {X: None, Y: None, Z: None}
    for measure, bounds in row.items():
        values[measure] = bounds[class_index]
    figures = {
        "employees": values[X],
        "revenue_yuan": None if values[Y] is None else Decimal(values[Y]) * 10000,
        "assets_yuan": None if values[Z] is None else Decimal(values[Z]) * 10000,
    }
    if below == X:
        figures["employees"] -= 1
    elif below == Y:
        figures["revenue_yuan"] -= Decimal("0.01")
    elif below == Z:
        figures["assets_yuan"] -= Decimal("0.01")
    return figures


AT_BOUND_CASES = [(industry, size) for industry in STANDARD for size in CLASSES]
BELOW_BOUND_CASES = [
    (industry, size, measure)
    for industry, row in STANDARD.items()
    for size in CLASSES
    for measure in row
]


@pytest.mark.parametrize(("industry", "size"), AT_BOUND_CASES)
def test_figures_at_every_lower_bound_reach_the_class(industry, size):
    row = STANDARD[industry]
    figures = _figures(row, CLASSES.index(size))
    assert classify(industry=industry, **figures).size_class == size


@pytest.mark.parametrize(("industry", "size", "measure"), BELOW_BOUND_CASES)
def test_missing_one_bound_drops_to_the_next_class(industry, size, measure):
    row = STANDARD[industry]
    figures = _figures(row, CLASSES.index(size), below=measure)
    assert classify(industry=industry, **figures).size_class == NEXT_DOWN[size]


def test_industrial_firm_with_many_employees_but_medium_revenue_is_medium():
    result = classify(
        industry="industry",
        employees=1200,
        revenue_yuan=Decimal(30000) * 10000,
        assets_yuan=None,
    )
    assert result.size_class == "medium"


def test_industrial_firm_with_few_employees_and_high_revenue_is_micro():
    result = classify(
        industry="industry", employees=15, revenue_yuan=Decimal(50000) * 10000, assets_yuan=None
    )
    assert result.size_class == "micro"


def test_a_class_is_not_decided_without_every_required_figure():
    result = classify(
        industry="construction", employees=None, revenue_yuan=Decimal(1), assets_yuan=None
    )
    assert result.size_class == ""
    assert result.missing == ("assets",)


def test_measures_the_industry_does_not_use_are_ignored():
    # Agriculture is classed by revenue alone: employees and assets do not matter.
    result = classify(
        industry="agriculture", employees=0, revenue_yuan=Decimal(500) * 10000, assets_yuan=None
    )
    assert result.size_class == "medium"


def test_explanation_names_the_bounds_reached(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    result = classify(
        industry="industry", employees=400, revenue_yuan=Decimal(2500) * 10000, assets_yuan=None
    )
    assert result.size_class == "medium"
    assert "300" in result.explanation and "2,000.00万元" in result.explanation


@pytest.mark.django_db
def test_saving_an_enterprise_recomputes_its_size_class():
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(industry="industry", employees=50, revenue=Decimal("5000000"))
    assert enterprise.size_class == "small"
    enterprise.employees = 10
    enterprise.save(update_fields=["employees"])
    enterprise.refresh_from_db()
    assert enterprise.size_class == "micro"


@pytest.mark.parametrize(
    ("industry", "employees", "revenue_wan", "assets_wan", "sentence"),
    [
        (
            "industry",
            400,
            2500,
            None,
            "中型：各项指标均达到该类型下限（从业人员 400人 ≥ 300人；"
            "营业收入 2,500.00万元 ≥ 2,000.00万元）。",
        ),
        (
            "real_estate",
            None,
            300000,
            12000,
            "大型：各项指标均达到该类型下限（营业收入 30.00亿元 ≥ 20.00亿元；"
            "资产总额 1.20亿元 ≥ 1.00亿元）。",
        ),
        ("industry", 15, 2500, None, "微型：至少有一项指标低于小型企业下限。"),
        ("construction", None, None, None, "无法划型：请填写营业收入、资产总额。"),
    ],
)
def test_the_explanation_reads_in_full(industry, employees, revenue_wan, assets_wan, sentence):
    with translation.override("zh-hans"):
        result = classify(
            industry=industry,
            employees=employees,
            revenue_yuan=None if revenue_wan is None else Decimal(revenue_wan) * 10000,
            assets_yuan=None if assets_wan is None else Decimal(assets_wan) * 10000,
        )
        assert result.explanation == sentence


def test_the_deciding_figures_are_kept_in_wan():
    result = classify(
        industry="industry", employees=400, revenue_yuan=Decimal("25000000"), assets_yuan=None
    )
    assert result.decided_by == (("employees", Decimal(400), 300), ("revenue", Decimal(2500), 2000))
    assert result.missing == ()
