"""The bulk (vectorised) path and the per-pair explanation path give exactly the same
eligibility and scores, for any needs and products: a property test."""

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.kernel import ProductArrays, score_block, select_top
from matchmaking.rules import (
    COLLATERAL_BITS,
    LOAN_KIND_CODES,
    SIZE_BITS,
    TAG_BITS,
    NeedFacts,
    ProductFacts,
    Weights,
    explain_pair,
)

INSTITUTIONS = [1, 2, 3, 4]
CHAINS = [11, 12, 13]


def _mask(table):
    return st.lists(st.sampled_from(list(table.values())), max_size=len(table)).map(
        lambda bits: sum(set(bits))
    )


amounts = st.integers(min_value=1_000_000, max_value=100_000_000_000)  # 1万 to 10亿, in fen
terms = st.integers(min_value=1, max_value=360)
rates = st.integers(min_value=0, max_value=3600)


@st.composite
def needs(draw, need_id):
    chosen_only = draw(st.booleans())
    return NeedFacts(
        id=need_id,
        amount=draw(amounts),
        term=draw(terms),
        max_rate=draw(rates),
        loan_kind=draw(st.sampled_from(list(LOAN_KIND_CODES.values()))),
        collateral=draw(_mask(COLLATERAL_BITS)),
        size=draw(st.sampled_from([0, *SIZE_BITS.values()])),
        chain_id=draw(st.sampled_from([None, *CHAINS])),
        key_chain=draw(st.booleans()),
        key_project=draw(st.booleans()),
        recommended=draw(st.booleans()),
        is_open=draw(st.booleans()),
        chosen_only=chosen_only,
        allowed=frozenset(draw(st.lists(st.sampled_from(INSTITUTIONS), max_size=3))),
        revoked=frozenset(draw(st.lists(st.sampled_from(INSTITUTIONS), max_size=2))),
    )


@st.composite
def products(draw, product_id):
    lo_amount, hi_amount = sorted(draw(st.lists(amounts, min_size=2, max_size=2)))
    lo_term, hi_term = sorted(draw(st.lists(terms, min_size=2, max_size=2)))
    lo_rate, hi_rate = sorted(draw(st.lists(rates, min_size=2, max_size=2)))
    return ProductFacts(
        id=product_id,
        institution_id=draw(st.sampled_from(INSTITUTIONS)),
        is_live=draw(st.booleans()),
        min_amount=lo_amount,
        max_amount=hi_amount,
        min_term=lo_term,
        max_term=hi_term,
        min_rate=lo_rate,
        max_rate=hi_rate,
        sizes=draw(_mask(SIZE_BITS)),
        chains=frozenset(draw(st.lists(st.sampled_from(CHAINS), max_size=3))),
        collateral=draw(_mask(COLLATERAL_BITS)),
        tags=draw(_mask(TAG_BITS)),
        approval_days=draw(st.integers(min_value=0, max_value=90)),
        response_rate=draw(st.floats(min_value=0, max_value=1, allow_nan=False)),
    )


@st.composite
def weights(draw):
    values = draw(st.lists(st.integers(min_value=0, max_value=50), min_size=6, max_size=6))
    if not any(values):
        values[0] = 1
    return Weights(
        *values,
        min_score=Decimal(draw(st.integers(min_value=0, max_value=10000))) / 100,
        top_k=draw(st.integers(min_value=1, max_value=6)),
    )


@st.composite
def scenarios(draw):
    need_list = [draw(needs(i + 1)) for i in range(draw(st.integers(1, 6)))]
    product_list = [draw(products(100 + i)) for i in range(draw(st.integers(1, 8)))]
    return need_list, product_list, draw(weights())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_bulk_and_per_pair_paths_agree_exactly(scenario):
    need_list, product_list, w = scenario
    arrays = ProductArrays.build(product_list)
    block = score_block(need_list, arrays, w)
    for i, need in enumerate(need_list):
        for j, product in enumerate(product_list):
            pair = explain_pair(need, product, w)
            assert bool(block.eligible[i, j]) == pair.eligible
            assert int(block.failed_count[i, j]) == len(pair.failed)
            assert int(block.centipoints[i, j]) == pair.centipoints


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_the_kept_matches_are_the_per_pair_top_k(scenario):
    need_list, product_list, w = scenario
    arrays = ProductArrays.build(product_list)
    kept = select_top(score_block(need_list, arrays, w), need_list, arrays, w)
    for need in need_list:
        expected = sorted(
            (-pair.centipoints, product.id)
            for product in product_list
            if (pair := explain_pair(need, product, w)).eligible
            and pair.centipoints >= w.min_centipoints
        )[: w.top_k]
        got = [(-m.centipoints, m.product_id) for m in kept if m.need_id == need.id]
        assert got == expected


def test_scores_are_whole_hundredths():
    need = NeedFacts(1, 2_000_000_00, 12, 500, 0, 1, 4, None, False, False, False, True, False)
    product = ProductFacts(2, 1, True, 1, 10**12, 1, 360, 100, 900, 0, frozenset(), 0, 1, 7, 0.3333)
    pair = explain_pair(need, product, Weights())
    assert pair.score == pair.score.quantize(Decimal("0.01"))
    block = score_block([need], ProductArrays.build([product]), Weights())
    assert block.centipoints.dtype == np.int64
