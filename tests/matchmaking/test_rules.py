"""Each hard rule and each soft factor in isolation, with the sentence and hint it produces."""

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from django.utils import translation

from matchmaking.rules import (
    COLLATERAL_BITS,
    KIND_NEW,
    KIND_NO_PRINCIPAL,
    KIND_RENEWAL,
    SIZE_BITS,
    TAG_BITS,
    NeedFacts,
    ProductFacts,
    Weights,
    basis_points,
    bits,
    explain_pair,
    factor_amount,
    factor_policy,
    factor_rate,
    factor_response,
    factor_speed,
    factor_term,
    fen,
    rule_chain,
    rule_consent,
    rule_need_open,
    rule_product_live,
    weighted_centipoints,
)

NEED = NeedFacts(
    id=1,
    amount=2_000_000_00,  # 200万 in fen
    term=12,
    max_rate=500,
    loan_kind=KIND_NEW,
    collateral=COLLATERAL_BITS["real_estate"],
    size=SIZE_BITS["small"],
    chain_id=7,
    key_chain=False,
    key_project=False,
    recommended=False,
    is_open=True,
    chosen_only=False,
)
PRODUCT = ProductFacts(
    id=10,
    institution_id=100,
    is_live=True,
    min_amount=50_000_00,
    max_amount=10_000_000_00,
    min_term=6,
    max_term=36,
    min_rate=350,
    max_rate=450,
    sizes=SIZE_BITS["small"] | SIZE_BITS["micro"],
    chains=frozenset({7, 8}),
    collateral=COLLATERAL_BITS["real_estate"] | COLLATERAL_BITS["land"],
    tags=TAG_BITS["mortgage"],
    approval_days=10,
)
WEIGHTS = Weights()


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def _failed(need=NEED, product=PRODUCT):
    return [c.code for c in explain_pair(need, product, WEIGHTS).failed]


def test_the_baseline_pair_is_eligible():
    result = explain_pair(NEED, PRODUCT, WEIGHTS)
    assert result.eligible and result.failed == () and result.score > 0


HARD_CASES = [
    ("product_live", {}, {"is_live": False}),
    ("need_open", {"is_open": False}, {}),
    ("consent", {"chosen_only": True, "allowed": frozenset({999})}, {}),
    ("consent", {"revoked": frozenset({100})}, {}),
    ("amount", {"amount": 49_999_99}, {}),
    ("amount", {"amount": 10_000_000_01}, {}),
    ("term", {"term": 5}, {}),
    ("term", {"term": 37}, {}),
    ("size", {"size": SIZE_BITS["medium"]}, {}),
    ("size", {"size": 0}, {}),
    ("chain", {"chain_id": 9}, {}),
    ("chain", {"chain_id": None}, {}),
    ("collateral", {"collateral": COLLATERAL_BITS["equipment"]}, {}),
    ("collateral", {"collateral": 0}, {}),
    ("rate", {"max_rate": 349}, {}),
    ("loan_kind", {"loan_kind": KIND_NO_PRINCIPAL}, {}),
]


@pytest.mark.parametrize(("rule", "need_changes", "product_changes"), HARD_CASES)
def test_each_hard_rule_fails_alone(rule, need_changes, product_changes):
    need = dataclasses.replace(NEED, **need_changes)
    product = dataclasses.replace(PRODUCT, **product_changes)
    result = explain_pair(need, product, WEIGHTS)
    assert [c.code for c in result.failed] == [rule]
    assert not result.eligible and result.centipoints == 0


@pytest.mark.parametrize(
    ("need_changes", "product_changes"),
    [
        ({"amount": 50_000_00}, {}),  # at the lower bound
        ({"amount": 10_000_000_00}, {}),  # at the upper bound
        ({"term": 6}, {}),
        ({"term": 36}, {}),
        ({"max_rate": 350}, {}),  # exactly the product's lowest rate
        ({"size": SIZE_BITS["medium"]}, {"sizes": 0}),  # empty list = every size
        ({"chain_id": 99}, {"chains": frozenset()}),  # empty list = every chain
        ({"collateral": 0}, {"tags": TAG_BITS["credit"]}),  # credit loans need no collateral
        ({"collateral": 0}, {"collateral": 0}),  # a product that asks for none
        ({"loan_kind": KIND_NO_PRINCIPAL}, {"tags": TAG_BITS["renewal_no_principal"]}),
        ({"loan_kind": KIND_RENEWAL}, {}),  # plain renewal fits any product
        ({"chosen_only": True, "allowed": frozenset({100})}, {}),
    ],
)
def test_boundaries_and_empty_lists_pass(need_changes, product_changes):
    need = dataclasses.replace(NEED, **need_changes)
    product = dataclasses.replace(PRODUCT, **product_changes)
    assert _failed(need, product) == []


def test_a_near_miss_gets_a_hint_in_chinese():
    result = explain_pair(dataclasses.replace(NEED, term=48), PRODUCT, WEIGHTS)
    assert result.is_near_miss
    (criterion,) = result.failed
    assert criterion.hint == "期限需在6–36个月之间。"
    assert criterion.sentence == "期限48个月不在6–36个月范围内。"


def test_amount_and_rate_hints_use_wan_and_percent():
    amount = explain_pair(dataclasses.replace(NEED, amount=20_000_000_00), PRODUCT, WEIGHTS).failed[
        0
    ]
    assert amount.hint == "金额需在5.00–1,000.00万元范围内。"
    rate = explain_pair(dataclasses.replace(NEED, max_rate=300), PRODUCT, WEIGHTS).failed[0]
    assert rate.hint == "可接受的年利率需不低于3.50%。"


def test_failing_two_rules_is_not_a_near_miss():
    result = explain_pair(dataclasses.replace(NEED, term=48, max_rate=300), PRODUCT, WEIGHTS)
    assert not result.is_near_miss


def test_a_consent_failure_is_not_offered_as_a_hint():
    result = explain_pair(dataclasses.replace(NEED, revoked=frozenset({100})), PRODUCT, WEIGHTS)
    assert not result.is_near_miss


# --- Soft factors ---------------------------------------------------------------------------------


def test_amount_fit_is_best_in_the_middle_of_the_range():
    assert float(factor_amount(50, 0, 100)) == 1.0
    assert float(factor_amount(0, 0, 100)) == 0.5
    assert float(factor_amount(100, 0, 100)) == 0.5
    assert float(factor_amount(25, 0, 100)) == 0.75
    assert float(factor_amount(5, 5, 5)) == 1.0  # a single-value range


def test_term_fit_uses_the_same_shape():
    assert float(factor_term(21, 6, 36)) == 1.0
    assert float(factor_term(6, 6, 36)) == 0.5


def test_rate_headroom():
    assert float(factor_rate(450, 350, 450)) == 1.0
    assert float(factor_rate(400, 350, 450)) == 0.5
    assert float(factor_rate(350, 350, 450)) == 0.0
    assert float(factor_rate(3600, 350, 450)) == 1.0  # no maximum given


@pytest.mark.parametrize(
    ("kind", "key_chain", "key_project", "tags", "expected"),
    [
        (KIND_NEW, False, False, TAG_BITS["mortgage"], 0.0),
        (KIND_NEW, False, False, TAG_BITS["first_loan"], 0.4),
        (KIND_RENEWAL, False, False, TAG_BITS["first_loan"], 0.0),
        (KIND_RENEWAL, False, False, TAG_BITS["renewal_no_principal"], 0.4),
        (KIND_NEW, True, False, 0, 0.2),
        (KIND_NEW, False, True, 0, 0.2),
        (KIND_NEW, True, True, TAG_BITS["first_loan"], 0.8),
    ],
)
def test_policy_fit(kind, key_chain, key_project, tags, expected):
    assert float(factor_policy(kind, key_chain, key_project, tags)) == pytest.approx(expected)


def test_recommendation_adds_the_bonus_points_on_top_and_says_so():
    plain = explain_pair(NEED, PRODUCT, WEIGHTS)
    recommended = explain_pair(dataclasses.replace(NEED, recommended=True), PRODUCT, WEIGHTS)
    # The default bonus is 5 points, added to the weighted score (not shared out of 100).
    assert recommended.centipoints - plain.centipoints == 500
    bonus = next(c for c in recommended.criteria if c.code == "recommendation")
    assert (bonus.points, bonus.max_points) == (5.0, 5.0)
    not_bonus = next(c for c in plain.criteria if c.code == "recommendation")
    assert not_bonus.points == 0.0
    assert bonus.sentence == "加分：该企业或项目获区级部门推荐（分值由金融办设定）"
    assert not_bonus.sentence == "部门推荐加分（未获推荐）"


def test_recommendation_bonus_never_lifts_a_score_above_100():
    only_rate = Weights(amount=0, term=0, rate=1, policy=0, speed=0, response=0, recommendation=20)
    need = dataclasses.replace(NEED, recommended=True)
    assert explain_pair(need, PRODUCT, only_rate).score == Decimal("100.00")


def test_approval_speed():
    assert float(factor_speed(1)) == 1.0
    assert float(factor_speed(30)) == 0.0
    assert float(factor_speed(60)) == 0.0
    assert float(factor_speed(15.5)) == 0.5


def test_response_record():
    assert float(factor_response(0.8)) == 0.8
    assert float(factor_response(1.5)) == 1.0


def test_weights_change_the_score_and_the_points_add_up():
    result = explain_pair(NEED, PRODUCT, WEIGHTS)
    soft = [c for c in result.criteria if not c.hard]
    # The weighted factors share 100 points; the recommendation bonus comes on top.
    assert sum(c.max_points for c in soft if c.code != "recommendation") == pytest.approx(100)
    assert float(result.score) == pytest.approx(sum(c.points for c in soft), abs=0.01)
    only_rate = Weights(amount=0, term=0, rate=1, policy=0, speed=0, response=0)
    assert explain_pair(NEED, PRODUCT, only_rate).score == Decimal("100.00")


def test_the_baseline_score_worked_out_by_hand():
    # Default weights: amount 20, term 10, rate 20, policy 25, speed 10, response 15 (sum 100).
    # amount: 1 - 0.5 × |2 × 200万 - 5万 - 1000万| / (1000万 - 5万) = 1 - 60.5/199 = 138.5/199
    # term:   1 - 0.5 × |2 × 12 - 6 - 36| / 30 = 0.7
    # rate:   (5.00% - 3.50%) / (4.50% - 3.50%) = 1.5, capped at 1
    # policy: a new loan, but the product is not a first-loan one, no key chain/project: 0
    # speed:  1 - (10 - 1) / 29 = 20/29
    # response: no history yet, 0.5
    by_hand = {
        "amount": 20 * 138.5 / 199,
        "term": 10 * 0.7,
        "rate": 20 * 1.0,
        "policy": 0.0,
        "speed": 10 * 20 / 29,
        "response": 15 * 0.5,
        "recommendation": 0.0,  # not recommended: no bonus
    }
    result = explain_pair(NEED, PRODUCT, WEIGHTS)
    points = {c.code: float(c.points) for c in result.criteria if not c.hard}
    assert points == pytest.approx(by_hand, abs=0.005)
    assert sum(by_hand.values()) == pytest.approx(55.316, abs=0.001)
    assert result.score == Decimal("55.32")
    assert result.centipoints == 5532


def test_other_weights_worked_out_by_hand():
    need = dataclasses.replace(NEED, key_chain=True)  # policy 0.2
    weights = Weights(amount=0, term=0, rate=1, policy=2, speed=0, response=1)
    # (1 × 1.0 + 2 × 0.2 + 1 × 0.5) / 4 × 100 = 47.5
    assert explain_pair(need, PRODUCT, weights).score == Decimal("47.50")


# --- The conversions the facts go through ---------------------------------------------------------


def test_bits_or_together_the_known_values_and_ignore_others():
    table = {"a": 1, "b": 2, "c": 8}
    assert bits([], table) == 0
    assert bits(["a"], table) == 1
    assert bits(["b", "c"], table) == 10
    assert bits(["a", "b", "c", "unknown"], table) == 11
    assert bits(["unknown"], table) == 0
    assert bits(["b", "unknown"], table) == 2
    assert bits(["c", "c"], table) == 8


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [("0", 0), ("1", 100), ("2000000.00", 200_000_000), ("0.01", 1), ("12.345", 1234)],
)
def test_amounts_become_whole_fen(yuan, expected):
    # 12.345 yuan is 1234.5 fen: rounded half to even, the Decimal default, gives 1234.
    assert fen(Decimal(yuan)) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(Decimal("4.35"), 435), (Decimal("0"), 0), (Decimal("12"), 1200), (None, 3600)],
)
def test_rates_become_basis_points_and_no_maximum_is_36_percent(rate, expected):
    assert basis_points(rate) == expected


# --- Flags given as numbers (as NumPy columns may carry them) still come out as booleans ----------


@pytest.mark.parametrize("rule", [rule_product_live, rule_need_open, rule_consent])
def test_flag_rules_return_booleans(rule):
    result = rule(np.array([0, 1, 2]))
    assert result.dtype == np.bool_
    assert result.tolist() == [False, True, True]


def test_the_chain_rule_returns_booleans():
    result = rule_chain(np.array([0, 0, 3, 0]), np.array([0, 5, 0, 0]))
    assert result.dtype == np.bool_
    assert result.tolist() == [False, True, True, False]


def test_a_single_weight_earns_all_hundred_points():
    only_rate = Weights(amount=0, term=0, rate=1, policy=0, speed=0, response=0)
    assert only_rate.max_points("rate") == 100.0
    assert only_rate.max_points("amount") == 0.0
    assert Weights().max_points("policy") == 25.0


def test_a_rate_headroom_of_half_earns_half_the_rate_points():
    # As the baseline (55.316), but 4.00% accepted against 3.50-4.50%: rate 0.5, so 10 points
    # instead of 20.
    result = explain_pair(dataclasses.replace(NEED, max_rate=400), PRODUCT, WEIGHTS)
    assert result.score == Decimal("45.32")


def test_weighted_centipoints_are_whole_hundredths_of_a_point():
    factors = {
        "amount": np.array([1.0, 0.5]),
        "term": np.array([1.0, 0.0]),
        "rate": np.array([1.0, 0.25]),
        "policy": np.array([1.0, 0.0]),
        "speed": np.array([1.0, 0.0]),
        "response": np.array([1.0, 0.123456]),
        "recommendation": np.array([1.0, 1.0]),
    }
    got = weighted_centipoints(factors, WEIGHTS)
    assert got.dtype == np.int64
    # 20 × 0.5 + 20 × 0.25 + 15 × 0.123456 = 16.85184 points, plus the 5-point recommendation
    # bonus = 21.85184 → 2185 hundredths; the first is capped at 100.
    assert got.tolist() == [10000, 2185]


# --- What the enterprise and the officer read, criterion by criterion -----------------------------

ALL_PASS = [
    ("product_live", "该产品已发布，可以申请。", ""),
    ("need_open", "需求已提交，企业已通过核验。", ""),
    ("consent", "企业已授权该机构查看此需求。", ""),
    ("amount", "需求金额200.00万元在5.00–1,000.00万元范围内。", ""),
    ("term", "期限12个月在6–36个月范围内。", ""),
    ("size", "企业规模符合要求。", ""),
    ("chain", "企业所属产业链符合要求。", ""),
    ("collateral", "可提供的担保物符合要求（或无需担保物）。", ""),
    ("rate", "您可接受的最高利率5.00%不低于该产品最低利率3.50%。", ""),
    ("loan_kind", "该产品提供此类贷款。", ""),
    ("amount", "金额与产品额度的契合度", ""),
    ("term", "期限与产品期限的契合度", ""),
    ("rate", "可接受利率与产品利率之间的空间", ""),
    ("policy", "政策契合度（首贷、续贷、重点产业链和重点项目）", ""),
    ("speed", "审批速度（一般10天）", ""),
    ("response", "该机构按时响应的记录", ""),
    ("recommendation", "部门推荐加分（未获推荐）", ""),
]
ALL_FAIL = [
    ("product_live", "该产品当前未发布。", ""),
    ("need_open", "需求尚未提交，或企业尚未通过核验。", ""),
    ("consent", "企业未授权该机构查看此需求。", "将该机构加入可查看此需求的机构。"),
    (
        "amount",
        "需求金额2,000.00万元不在5.00–1,000.00万元范围内。",
        "金额需在5.00–1,000.00万元范围内。",
    ),
    ("term", "期限48个月不在6–36个月范围内。", "期限需在6–36个月之间。"),
    ("size", "该产品仅面向小型、微型企业。", "仅面向小型、微型企业。"),
    ("chain", "该产品面向其他产业链。", "仅面向该产品指定产业链的企业。"),
    (
        "collateral",
        "可提供的担保物均不在该产品接受范围内。",
        "需提供以下担保物之一：房产、土地使用权。",
    ),
    (
        "rate",
        "您可接受的最高利率3.00%低于该产品最低利率3.50%。",
        "可接受的年利率需不低于3.50%。",
    ),
    ("loan_kind", "该产品不提供无还本续贷。", "请选择标有“无还本续贷”的产品。"),
    *ALL_PASS[10:],
]


def _read(need, product):
    return [(c.code, c.sentence, c.hint) for c in explain_pair(need, product, WEIGHTS).criteria]


def test_every_sentence_of_a_pair_that_fits():
    assert _read(NEED, PRODUCT) == ALL_PASS


def test_every_sentence_and_hint_of_a_pair_that_fails_everything():
    need = dataclasses.replace(
        NEED,
        is_open=False,
        chosen_only=True,
        allowed=frozenset({999}),
        amount=20_000_000_00,
        term=48,
        size=SIZE_BITS["medium"],
        chain_id=9,
        collateral=COLLATERAL_BITS["equipment"],
        max_rate=300,
        loan_kind=KIND_NO_PRINCIPAL,
    )
    assert _read(need, dataclasses.replace(PRODUCT, is_live=False)) == ALL_FAIL


def test_a_first_loan_product_earns_the_policy_points_for_a_new_loan():
    # The baseline 55.316 plus policy 25 × 0.4 = 10: 65.316.
    first_loan = dataclasses.replace(PRODUCT, tags=TAG_BITS["mortgage"] | TAG_BITS["first_loan"])
    assert explain_pair(NEED, first_loan, WEIGHTS).score == Decimal("65.32")
    renewal = dataclasses.replace(NEED, loan_kind=KIND_RENEWAL)
    assert explain_pair(renewal, first_loan, WEIGHTS).score == Decimal("55.32")


# --- Edges of the soft factors: narrow ranges, values outside, the caps -------------------------


def test_a_range_narrower_than_one_unit_counts_as_one_unit_wide():
    assert float(factor_amount(5, 5, 6)) == 0.5  # |10 - 11| / 1 → 1 - 0.5
    assert float(factor_rate(351, 350, 351)) == 1.0  # one basis point of headroom is all of it


def test_factors_never_go_below_zero_or_above_one():
    assert float(factor_amount(1000, 0, 100)) == 0.0  # 1 - 0.5 × 1900 / 100 would be -8.5
    assert float(factor_rate(300, 350, 450)) == 0.0  # below the lowest rate
    assert float(factor_speed(0)) == 1.0  # faster than a day
    assert float(factor_response(-0.2)) == 0.0


def test_a_renewal_tag_earns_nothing_for_a_new_loan():
    assert float(factor_policy(KIND_NEW, False, False, TAG_BITS["renewal_no_principal"])) == 0
    assert float(factor_policy(KIND_NO_PRINCIPAL, False, False, TAG_BITS["first_loan"])) == 0


def test_hard_rules_carry_no_points_and_soft_factors_always_pass():
    result = explain_pair(NEED, PRODUCT, WEIGHTS)
    assert (result.need_id, result.product_id) == (1, 10)
    hard = [c for c in result.criteria if c.hard]
    soft = [c for c in result.criteria if not c.hard]
    assert [(c.points, c.max_points) for c in hard] == [(0.0, 0.0)] * 10
    assert all(c.hard is False and c.passed is True for c in soft)
    # Six weighted factors and the recommendation bonus.
    assert [c.code for c in soft] == [
        "amount",
        "term",
        "rate",
        "policy",
        "speed",
        "response",
        "recommendation",
    ]
