"""The matching rules, stated once.

Every rule below is written with NumPy operations that work the same on one pair (scalars) and on
a whole block of pairs (arrays), so the per-pair explanation and the bulk recompute cannot drift
apart: they run this very code. Amounts are whole fen (int), rates whole basis points of a percent
(4.35% → 435), so every hard rule is an exact integer comparison.

Hard rules decide eligibility; soft factors (each 0-1) are weighted into a score of 0-100. A score
is kept in hundredths of a point as an integer (``centipoints``) so both paths round identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banks.models import PolicyTag
from core.money import format_money, format_money_range
from core.reference import Collateral
from core.sizing import SizeClass
from core.text import join_labels
from enterprises.models import FinancingNeed

NO_RATE_LIMIT_BP = 3600  # a need without a maximum rate accepts up to 36%
DEFAULT_RESPONSE_RATE = 0.5  # an institution with no history is neither rewarded nor punished

# Bit positions for the small closed sets, so set tests are integer ANDs in both paths.
COLLATERAL_BITS = {value: 1 << i for i, value in enumerate(Collateral.values)}
TAG_BITS = {value: 1 << i for i, value in enumerate(PolicyTag.values)}
SIZE_BITS = {value: 1 << i for i, value in enumerate(SizeClass.values)}
LOAN_KIND_CODES = {value: i for i, value in enumerate(FinancingNeed.LoanKind.values)}
KIND_NEW = LOAN_KIND_CODES[FinancingNeed.LoanKind.NEW]
KIND_RENEWAL = LOAN_KIND_CODES[FinancingNeed.LoanKind.RENEWAL]
KIND_NO_PRINCIPAL = LOAN_KIND_CODES[FinancingNeed.LoanKind.RENEWAL_NO_PRINCIPAL]


def bits(values, table) -> int:
    mask = 0
    for value in values:
        mask |= table.get(value, 0)
    return mask


# Amounts are scored in whole fen (integers for the NumPy kernel).
FEN_PER_YUAN = 100


def fen(amount: Decimal) -> int:
    return int((Decimal(amount) * FEN_PER_YUAN).to_integral_value())


def basis_points(rate: Decimal | None) -> int:
    return NO_RATE_LIMIT_BP if rate is None else int((Decimal(rate) * 100).to_integral_value())


# --- Facts: what the rules read --------------------------------------------------------------


@dataclass(frozen=True)
class NeedFacts:
    id: int
    amount: int  # fen
    term: int  # months
    max_rate: int  # basis points
    loan_kind: int  # LOAN_KIND_CODES
    collateral: int  # COLLATERAL_BITS mask
    size: int  # SIZE_BITS of its size class, 0 when unclassified
    chain_id: int | None
    key_chain: bool
    key_project: bool
    recommended: bool
    is_open: bool  # submitted or in progress, and the enterprise verified
    chosen_only: bool  # the enterprise chose institutions
    allowed: frozenset[int] = field(default_factory=frozenset)
    revoked: frozenset[int] = field(default_factory=frozenset)

    def consents_to(self, institution_id: int) -> bool:
        if institution_id in self.revoked:
            return False
        return not self.chosen_only or institution_id in self.allowed


@dataclass(frozen=True)
class ProductFacts:
    id: int
    institution_id: int
    is_live: bool  # published and its institution active
    min_amount: int
    max_amount: int
    min_term: int
    max_term: int
    min_rate: int
    max_rate: int
    sizes: int  # SIZE_BITS mask, 0 = every size
    chains: frozenset[int]  # empty = every chain
    collateral: int  # COLLATERAL_BITS mask of accepted collateral, 0 = none required
    tags: int  # TAG_BITS mask
    approval_days: int
    response_rate: float = DEFAULT_RESPONSE_RATE


@dataclass(frozen=True)
class Weights:
    amount: int = 20
    term: int = 10
    rate: int = 20
    policy: int = 25
    speed: int = 10
    response: int = 15
    # Points added (not weighted) to a recommended need's score, set by the finance office.
    recommendation: int = 5
    min_score: Decimal = Decimal("60.00")
    top_k: int = 20

    @property
    def total(self) -> int:
        return self.amount + self.term + self.rate + self.policy + self.speed + self.response

    def max_points(self, factor: str) -> float:
        """The share of the 100 points a soft factor can earn: its weight over the sum; a bonus
        factor earns its points on top."""
        if factor in BONUS_FACTORS:
            return float(getattr(self, factor))
        return getattr(self, factor) * 100.0 / max(self.total, 1)

    @property
    def min_centipoints(self) -> int:
        return int((self.min_score * 100).to_integral_value())


# --- Hard rules: each takes the pair's fields (scalars or arrays) and returns booleans ---------


def rule_product_live(p_live):
    return np.asarray(p_live, dtype=bool)


def rule_need_open(n_open):
    return np.asarray(n_open, dtype=bool)


def rule_amount(n_amount, p_min, p_max):
    return (n_amount >= p_min) & (n_amount <= p_max)


def rule_term(n_term, p_min, p_max):
    return (n_term >= p_min) & (n_term <= p_max)


def rule_size(n_size, p_sizes):
    return (p_sizes == 0) | ((p_sizes & n_size) != 0)


def rule_chain(p_any_chain, chain_listed):
    return np.asarray(p_any_chain, dtype=bool) | np.asarray(chain_listed, dtype=bool)


def rule_collateral(n_collateral, p_collateral, p_tags):
    is_credit = (p_tags & TAG_BITS[PolicyTag.CREDIT]) != 0
    return is_credit | (p_collateral == 0) | ((n_collateral & p_collateral) != 0)


def rule_rate(n_max_rate, p_min_rate):
    return n_max_rate >= p_min_rate


def rule_consent(consented):
    return np.asarray(consented, dtype=bool)


def rule_loan_kind(n_kind, p_tags):
    offers_no_principal = (p_tags & TAG_BITS[PolicyTag.RENEWAL_NO_PRINCIPAL]) != 0
    return (n_kind != KIND_NO_PRINCIPAL) | offers_no_principal


# Rules whose failure an enterprise can act on: near-miss hints speak only of these.
ACTIONABLE_RULES = ("amount", "term", "size", "chain", "collateral", "rate", "loan_kind")
HARD_RULES = ("product_live", "need_open", "consent", *ACTIONABLE_RULES)
# Short names of the rules an enterprise can act on, for summaries ("12 needs failed only on term").
RULE_NAMES = {
    "amount": gettext_lazy("amount"),
    "term": gettext_lazy("term"),
    "size": gettext_lazy("size class"),
    "chain": gettext_lazy("industry chain"),
    "collateral": gettext_lazy("collateral"),
    "rate": gettext_lazy("rate"),
    "loan_kind": gettext_lazy("loan kind"),
}


# --- Soft factors: each 0-1 ---------------------------------------------------------------------


def _f(x):
    return np.asarray(x, dtype=np.float64)


def _position_fit(x, lo, hi):
    """1 at the middle of a range, 0.5 at its edges (and lower outside, floored at 0)."""
    x, lo, hi = _f(x), _f(lo), _f(hi)
    width = np.maximum(hi - lo, 1.0)
    return np.clip(1.0 - 0.5 * np.abs(2.0 * x - lo - hi) / width, 0.0, 1.0)


def factor_amount(n_amount, p_min, p_max):
    return _position_fit(n_amount, p_min, p_max)


def factor_term(n_term, p_min, p_max):
    return _position_fit(n_term, p_min, p_max)


def factor_rate(n_max_rate, p_min_rate, p_max_rate):
    """Headroom between the rate the enterprise accepts and the product's lowest rate."""
    width = np.maximum(_f(p_max_rate) - _f(p_min_rate), 1.0)
    return np.clip((_f(n_max_rate) - _f(p_min_rate)) / width, 0.0, 1.0)


def factor_policy(n_kind, n_key_chain, n_key_project, p_tags):
    first_loan = (n_kind == KIND_NEW) & ((p_tags & TAG_BITS[PolicyTag.FIRST_LOAN]) != 0)
    renewal = ((n_kind == KIND_RENEWAL) | (n_kind == KIND_NO_PRINCIPAL)) & (
        (p_tags & TAG_BITS[PolicyTag.RENEWAL_NO_PRINCIPAL]) != 0
    )
    points = (
        0.4 * _f(first_loan) + 0.4 * _f(renewal) + 0.2 * _f(n_key_chain) + 0.2 * _f(n_key_project)
    )
    return np.minimum(points, 1.0)


def factor_speed(p_approval_days):
    return np.clip(1.0 - (_f(p_approval_days) - 1.0) / 29.0, 0.0, 1.0)


def factor_response(p_response_rate):
    return np.clip(_f(p_response_rate), 0.0, 1.0)


def factor_recommendation(n_recommended):
    """1 when a bureau recommends the need's enterprise or project (推荐清单), else 0."""
    return _f(n_recommended)


WEIGHTED_FACTORS = ("amount", "term", "rate", "policy", "speed", "response")
# Bonus factors add their points on top of the weighted 100 (the total is capped at 100), so a
# recommendation lifts a need without changing any other need's score.
BONUS_FACTORS = ("recommendation",)
SOFT_FACTORS = (*WEIGHTED_FACTORS, *BONUS_FACTORS)
MAX_SCORE = 100.0


def weighted_centipoints(factors: dict, weights: Weights):
    """The total score in hundredths of a point (an integer): the six weighted factors, plus the
    recommendation bonus, capped at 100."""
    total = (
        weights.amount * factors["amount"]
        + weights.term * factors["term"]
        + weights.rate * factors["rate"]
        + weights.policy * factors["policy"]
        + weights.speed * factors["speed"]
        + weights.response * factors["response"]
    )
    score = total * 100.0 / max(weights.total, 1)
    score = np.minimum(score + weights.recommendation * factors["recommendation"], MAX_SCORE)
    return np.floor(score * 100.0 + 0.5).astype(np.int64)


SOFT_INPUTS = (
    "n_amount",
    "n_term",
    "n_max_rate",
    "n_kind",
    "n_key_chain",
    "n_key_project",
    "n_recommended",
    "p_min_amount",
    "p_max_amount",
    "p_min_term",
    "p_max_term",
    "p_min_rate",
    "p_max_rate",
    "p_tags",
    "p_approval_days",
    "p_response_rate",
)


def hard_rules(c: dict) -> dict:
    """Every hard rule on pair columns (scalars or broadcastable arrays)."""
    return {
        "product_live": rule_product_live(c["p_live"]),
        "need_open": rule_need_open(c["n_open"]),
        "consent": rule_consent(c["consented"]),
        "amount": rule_amount(c["n_amount"], c["p_min_amount"], c["p_max_amount"]),
        "term": rule_term(c["n_term"], c["p_min_term"], c["p_max_term"]),
        "size": rule_size(c["n_size"], c["p_sizes"]),
        "chain": rule_chain(c["p_any_chain"], c["chain_listed"]),
        "collateral": rule_collateral(c["n_collateral"], c["p_collateral"], c["p_tags"]),
        "rate": rule_rate(c["n_max_rate"], c["p_min_rate"]),
        "loan_kind": rule_loan_kind(c["n_kind"], c["p_tags"]),
    }


def soft_factors(c: dict) -> dict:
    """Every soft factor (0-1) on pair columns; only ``SOFT_INPUTS`` are read."""
    return {
        "amount": factor_amount(c["n_amount"], c["p_min_amount"], c["p_max_amount"]),
        "term": factor_term(c["n_term"], c["p_min_term"], c["p_max_term"]),
        "rate": factor_rate(c["n_max_rate"], c["p_min_rate"], c["p_max_rate"]),
        "policy": factor_policy(c["n_kind"], c["n_key_chain"], c["n_key_project"], c["p_tags"]),
        "speed": factor_speed(c["p_approval_days"]),
        "response": factor_response(c["p_response_rate"]),
        "recommendation": factor_recommendation(c["n_recommended"]),
    }


def evaluate(columns: dict, weights: Weights) -> tuple[dict, dict, np.ndarray]:
    """Run every rule and factor on one pair's columns.

    Returns (hard rule results, soft factors, centipoints). The bulk path calls the same
    ``hard_rules`` and ``soft_factors`` on arrays (the factors only for eligible pairs).
    """
    soft = soft_factors(columns)
    return hard_rules(columns), soft, weighted_centipoints(soft, weights)


def pair_columns(need: NeedFacts, product: ProductFacts) -> dict:
    return {
        "n_open": need.is_open,
        "n_amount": np.int64(need.amount),
        "n_term": np.int64(need.term),
        "n_max_rate": np.int64(need.max_rate),
        "n_kind": np.int64(need.loan_kind),
        "n_collateral": np.int64(need.collateral),
        "n_size": np.int64(need.size),
        "n_key_chain": need.key_chain,
        "n_key_project": need.key_project,
        "n_recommended": need.recommended,
        "p_live": product.is_live,
        "p_min_amount": np.int64(product.min_amount),
        "p_max_amount": np.int64(product.max_amount),
        "p_min_term": np.int64(product.min_term),
        "p_max_term": np.int64(product.max_term),
        "p_min_rate": np.int64(product.min_rate),
        "p_max_rate": np.int64(product.max_rate),
        "p_sizes": np.int64(product.sizes),
        "p_any_chain": not product.chains,
        "p_collateral": np.int64(product.collateral),
        "p_tags": np.int64(product.tags),
        "p_approval_days": np.int64(product.approval_days),
        "p_response_rate": product.response_rate,
        "chain_listed": need.chain_id is not None and need.chain_id in product.chains,
        "consented": need.consents_to(product.institution_id),
    }


# --- The per-pair path: one need, one product, with the reasons in words ----------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    hard: bool
    passed: bool
    points: float  # soft factors: weighted points out of 100; hard rules: 0
    max_points: float
    sentence: str
    hint: str = ""


@dataclass(frozen=True)
class PairResult:
    need_id: int
    product_id: int
    eligible: bool
    centipoints: int
    criteria: tuple[Criterion, ...]

    @property
    def score(self) -> Decimal:
        return Decimal(self.centipoints) / 100

    @property
    def failed(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.hard and not c.passed)

    @property
    def is_near_miss(self) -> bool:
        failed = self.failed
        return len(failed) == 1 and failed[0].code in ACTIONABLE_RULES


def _yuan(fen_amount: int) -> Decimal:
    return Decimal(fen_amount) / FEN_PER_YUAN


def _pct(bp: int) -> str:
    return f"{Decimal(bp) / 100:.2f}%"


def _labels(mask: int, table: dict, choices) -> str:
    return join_labels(choices(v).label for v, bit in table.items() if mask & bit)


def explain_pair(need: NeedFacts, product: ProductFacts, weights: Weights) -> PairResult:
    hard, soft, centipoints = evaluate(pair_columns(need, product), weights)
    passed = {code: bool(value) for code, value in hard.items()}
    amount_range = format_money_range(_yuan(product.min_amount), _yuan(product.max_amount))
    term_range = (product.min_term, product.max_term)
    sentences = {
        "product_live": (
            _("The product is published and open for applications."),
            _("The product is not currently published."),
            "",
        ),
        "need_open": (
            _("The need is submitted and the enterprise verified."),
            _("The need is not submitted, or the enterprise is not yet verified."),
            "",
        ),
        "consent": (
            _("The enterprise lets this institution see the need."),
            _("The enterprise has not let this institution see the need."),
            _("Add this institution to the institutions that may see the need."),
        ),
        "amount": (
            _("The amount %(amount)s is within %(range)s.")
            % {"amount": format_money(_yuan(need.amount)), "range": amount_range},
            _("The amount %(amount)s is outside %(range)s.")
            % {"amount": format_money(_yuan(need.amount)), "range": amount_range},
            _("The amount must be within %(range)s.") % {"range": amount_range},
        ),
        "term": (
            _("The term of %(term)d months is within %(lo)d–%(hi)d months.")
            % {"term": need.term, "lo": term_range[0], "hi": term_range[1]},
            _("The term of %(term)d months is outside %(lo)d–%(hi)d months.")
            % {"term": need.term, "lo": term_range[0], "hi": term_range[1]},
            _("The term must be between %(lo)d and %(hi)d months.")
            % {"lo": term_range[0], "hi": term_range[1]},
        ),
        "size": (
            _("The enterprise's size class is eligible."),
            _("The product serves only %(sizes)s enterprises.")
            % {"sizes": _labels(product.sizes, SIZE_BITS, SizeClass)},
            _("Only for %(sizes)s enterprises.")
            % {"sizes": _labels(product.sizes, SIZE_BITS, SizeClass)},
        ),
        "chain": (
            _("The enterprise's industry chain is eligible."),
            _("The product serves other industry chains."),
            _("Only for enterprises in the product's industry chains."),
        ),
        "collateral": (
            _("The collateral offered is accepted (or none is required)."),
            _("None of the collateral offered is accepted."),
            _("Offer one of: %(collateral)s.")
            % {"collateral": _labels(product.collateral, COLLATERAL_BITS, Collateral)},
        ),
        "rate": (
            _("Your maximum rate %(max)s is not below the product's lowest rate %(min)s.")
            % {"max": _pct(need.max_rate), "min": _pct(product.min_rate)},
            _("Your maximum rate %(max)s is below the product's lowest rate %(min)s.")
            % {"max": _pct(need.max_rate), "min": _pct(product.min_rate)},
            _("Accept an annual rate of at least %(min)s.") % {"min": _pct(product.min_rate)},
        ),
        "loan_kind": (
            _("The product offers this kind of loan."),
            _("The product does not offer renewal without repaying principal."),
            _("Choose a product tagged for renewal without repaying principal."),
        ),
    }
    criteria = [
        Criterion(
            code=code,
            hard=True,
            passed=passed[code],
            points=0.0,
            max_points=0.0,
            sentence=str(sentences[code][0] if passed[code] else sentences[code][1]),
            hint="" if passed[code] else str(sentences[code][2]),
        )
        for code in HARD_RULES
    ]
    soft_sentences = {
        "amount": _("How well the amount sits in the product's range"),
        "term": _("How well the term sits in the product's range"),
        "rate": _("Headroom between your maximum rate and the product's rates"),
        "policy": _("Policy fit (first loans, renewals, key chains and projects)"),
        "speed": _("Approval speed (typically %(days)d days)") % {"days": product.approval_days},
        "response": _("The institution's record of answering on time"),
        "recommendation": (
            _(
                "Bonus: a district bureau recommends this enterprise or project (set by the finance office)"
            )
            if need.recommended
            else _("Bonus for needs a district bureau recommends (not recommended)")
        ),
    }
    for code in SOFT_FACTORS:
        max_points = weights.max_points(code)
        criteria.append(
            Criterion(
                code=code,
                hard=False,
                passed=True,
                points=float(soft[code]) * max_points,
                max_points=max_points,
                sentence=str(soft_sentences[code]),
            )
        )
    eligible = all(passed.values())
    return PairResult(
        need_id=need.id,
        product_id=product.id,
        eligible=eligible,
        centipoints=int(centipoints) if eligible else 0,
        criteria=tuple(criteria),
    )
