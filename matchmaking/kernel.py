"""The vectorised scoring kernel: whole blocks of needs against every product, in NumPy.

It runs the very rules of ``matchmaking.rules`` on arrays and keeps the top K eligible matches per
need at or above the minimum score. No database work happens here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .rules import (
    SOFT_INPUTS,
    NeedFacts,
    ProductFacts,
    Weights,
    hard_rules,
    soft_factors,
    weighted_centipoints,
)

# Room for the product's rank below the score in the selection key: 2**21 products.
TIE_SHIFT = 1 << 21


@dataclass
class ProductArrays:
    facts: list[ProductFacts]
    ids: np.ndarray
    institution_ids: np.ndarray
    columns: dict  # p_* columns, shape (1, P)
    chain_matrix: np.ndarray  # (chains + 1, P): row c says whether product lists chain c
    chain_row: dict[int, int]  # chain id → row; the last row is "no chain"

    @classmethod
    def build(cls, facts: Sequence[ProductFacts]) -> ProductArrays:
        def col(getter, dtype=np.int64):
            return np.array([getter(p) for p in facts], dtype=dtype)[None, :]

        chain_ids = sorted({c for p in facts for c in p.chains})
        chain_row = {c: i for i, c in enumerate(chain_ids)}
        matrix = np.zeros((len(chain_ids) + 1, len(facts)), dtype=bool)
        for j, product in enumerate(facts):
            for chain in product.chains:
                matrix[chain_row[chain], j] = True
        columns = {
            "p_live": col(lambda p: p.is_live, bool),
            "p_min_amount": col(lambda p: p.min_amount),
            "p_max_amount": col(lambda p: p.max_amount),
            "p_min_term": col(lambda p: p.min_term),
            "p_max_term": col(lambda p: p.max_term),
            "p_min_rate": col(lambda p: p.min_rate),
            "p_max_rate": col(lambda p: p.max_rate),
            "p_sizes": col(lambda p: p.sizes),
            "p_any_chain": col(lambda p: not p.chains, bool),
            "p_collateral": col(lambda p: p.collateral),
            "p_tags": col(lambda p: p.tags),
            "p_approval_days": col(lambda p: p.approval_days),
            "p_response_rate": col(lambda p: p.response_rate, np.float64),
        }
        return cls(
            facts=list(facts),
            ids=np.array([p.id for p in facts], dtype=np.int64),
            institution_ids=np.array([p.institution_id for p in facts], dtype=np.int64),
            columns=columns,
            chain_matrix=matrix,
            chain_row=chain_row,
        )


def need_columns(needs: Sequence[NeedFacts], products: ProductArrays) -> dict:
    def col(getter, dtype=np.int64):
        return np.array([getter(n) for n in needs], dtype=dtype)[:, None]

    no_chain = len(products.chain_row)
    chain_rows = np.array(
        [products.chain_row.get(n.chain_id, no_chain) for n in needs], dtype=np.int64
    )
    consented = np.ones((len(needs), len(products.facts)), dtype=bool)
    for i, need in enumerate(needs):
        if need.chosen_only:
            consented[i] = np.isin(products.institution_ids, list(need.allowed))
        if need.revoked:
            consented[i] &= ~np.isin(products.institution_ids, list(need.revoked))
    return {
        "n_open": col(lambda n: n.is_open, bool),
        "n_amount": col(lambda n: n.amount),
        "n_term": col(lambda n: n.term),
        "n_max_rate": col(lambda n: n.max_rate),
        "n_kind": col(lambda n: n.loan_kind),
        "n_collateral": col(lambda n: n.collateral),
        "n_size": col(lambda n: n.size),
        "n_key_chain": col(lambda n: n.key_chain, bool),
        "n_key_project": col(lambda n: n.key_project, bool),
        "n_recommended": col(lambda n: n.recommended, bool),
        "chain_listed": products.chain_matrix[chain_rows],
        "consented": consented,
    }


@dataclass
class BlockResult:
    eligible: np.ndarray  # (B, P) bool
    centipoints: np.ndarray  # (B, P) int64, 0 where not eligible
    failed_count: np.ndarray  # (B, P) number of hard rules failed
    soft: dict  # factor name → 1-D float64, one value per eligible pair (row-major order)
    soft_index: np.ndarray  # (B, P) int64: position of the pair in ``soft``, -1 if not eligible


def score_block(
    needs: Sequence[NeedFacts], products: ProductArrays, weights: Weights
) -> BlockResult:
    """Hard rules on every pair; soft factors and scores only on the eligible ones."""
    columns = {**products.columns, **need_columns(needs, products)}
    shape = (len(needs), len(products.facts))
    failed = np.zeros(shape, dtype=np.int8)
    for result in hard_rules(columns).values():
        failed += ~np.broadcast_to(result, shape)
    eligible = failed == 0
    rows, cols = np.nonzero(eligible)
    gathered = {name: np.broadcast_to(columns[name], shape)[rows, cols] for name in SOFT_INPUTS}
    soft = soft_factors(gathered)
    points = weighted_centipoints(soft, weights) if rows.size else np.zeros(0, dtype=np.int64)
    centipoints = np.zeros(shape, dtype=np.int64)
    centipoints[rows, cols] = points
    soft_index = np.full(shape, -1, dtype=np.int64)
    soft_index[rows, cols] = np.arange(rows.size)
    return BlockResult(
        eligible=eligible,
        centipoints=centipoints,
        failed_count=failed,
        soft=soft,
        soft_index=soft_index,
    )


@dataclass(frozen=True)
class KeptMatch:
    need_id: int
    product_id: int
    institution_id: int
    centipoints: int


def select_top(
    block: BlockResult, needs, products: ProductArrays, weights: Weights
) -> list[KeptMatch]:
    """The top K eligible products per need at or above the minimum; ties go to the lower id."""
    keep = block.eligible & (block.centipoints >= weights.min_centipoints)
    count = products.ids.size
    if count == 0:
        return []
    rank = np.argsort(np.argsort(products.ids))  # 0 for the lowest id
    key = np.where(keep, block.centipoints * TIE_SHIFT + (TIE_SHIFT - 1 - rank)[None, :], -1)
    k = min(weights.top_k, count)
    top = (
        np.argpartition(-key, k - 1, axis=1)[:, :k]
        if k < count
        else np.tile(np.arange(count), (len(needs), 1))
    )
    top_keys = np.take_along_axis(key, top, axis=1)
    order = np.argsort(-top_keys, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    rows, cols = np.nonzero(np.take_along_axis(keep, top, axis=1))
    product_cols = top[rows, cols]
    need_ids = np.array([n.id for n in needs], dtype=np.int64)
    return [
        KeptMatch(
            need_id=int(need_ids[r]),
            product_id=int(products.ids[c]),
            institution_id=int(products.institution_ids[c]),
            centipoints=int(block.centipoints[r, c]),
        )
        for r, c in zip(rows.tolist(), product_cols.tolist(), strict=True)
    ]
