"""Money in the portal: yuan as ``Decimal``, entered and shown in 万元 and 亿元 as Chinese users read it.

Every amount, range, rate and score a person reads goes through the ``format_*`` functions below:
the template filters (``core/templatetags/money.py``) and the services' notice texts use the same
ones, so a page, a notice and an e-mail never disagree on how 780万元 is written.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# 1万元 and 1亿元 in yuan. Stated once: forms, filters, templates and demo data convert with these.
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
FEN = Decimal("0.01")
# Amounts, rates and scores are read to two decimals (fen for money, 0.01 points, 0.01%).
SHOWN_PLACES = Decimal("0.01")
# What a page shows where there is no value.
MISSING = "—"
# Between the ends of a range: an en dash, as Chinese typesetting writes ranges.
RANGE_DASH = "–"


def wan_to_yuan(wan: Decimal | int | str) -> Decimal:
    """Exact conversion; the result may carry more than two decimals (callers check fen)."""
    return Decimal(wan) * WAN


def yuan_to_wan(yuan: Decimal | int | str) -> Decimal:
    return Decimal(yuan) / WAN


def yuan_to_yi(yuan: Decimal | int | str) -> Decimal:
    return Decimal(yuan) / YI


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal) -> str:
    """Two decimals with thousands separators: 100000 → '100,000.00'."""
    return f"{number.quantize(SHOWN_PLACES):,.2f}"


def _in_yi(yuan: Decimal) -> bool:
    # From 1亿元 up an amount reads in 亿元 (7.48亿元, not 74,800.00万元).
    return abs(yuan) >= YI


def money_number_and_unit(yuan) -> tuple[str, str] | None:
    """(number, unit) for an amount in yuan: ('780.00', 'wan') or ('7.48', 'yi')."""
    number = _decimal(yuan)
    if number is None:
        return None
    if _in_yi(number):
        return _grouped(number / YI), "yi"
    return _grouped(number / WAN), "wan"


def _with_unit(number: str, unit: str) -> str:
    if unit == "yi":
        return _("%(n)s hundred-million yuan") % {"n": number}
    return _("%(n)s ten-thousand yuan") % {"n": number}


def format_money(yuan) -> str:
    """780万元 in yuan → '780.00万元'; from 1亿元 up → '7.48亿元'; nothing → '—'."""
    parts = money_number_and_unit(yuan)
    return MISSING if parts is None else _with_unit(*parts)


def format_wan(yuan) -> str:
    """Always in 万元 (for a figure compared with others in 万元): 1,234,567 → '123.46万元'."""
    number = _decimal(yuan)
    return MISSING if number is None else _with_unit(_grouped(number / WAN), "wan")


def format_yi(yuan) -> str:
    """Always in 亿元 (district totals): 748,000,000 → '7.48亿元'."""
    number = _decimal(yuan)
    return MISSING if number is None else _with_unit(_grouped(number / YI), "yi")


def format_money_range(low, high) -> str:
    """'100.00–500.00万元' in one unit, '100.00万元–2.00亿元' across units; an open end reads 不限."""
    lo, hi = money_number_and_unit(low), money_number_and_unit(high)
    if lo is None and hi is None:
        return MISSING
    if lo is None or hi is None:
        bound = format_money(high if lo is None else low)
        template = _("up to %(amount)s") if lo is None else _("from %(amount)s")
        return template % {"amount": bound}
    if lo[1] == hi[1]:
        return _with_unit(f"{lo[0]}{RANGE_DASH}{hi[0]}", lo[1])
    return f"{_with_unit(*lo)}{RANGE_DASH}{_with_unit(*hi)}"


def format_rate(rate) -> str:
    """An annual rate in percent: 3.85 → '3.85%'."""
    number = _decimal(rate)
    return MISSING if number is None else f"{number.quantize(SHOWN_PLACES)}%"


def format_rate_range(low, high) -> str:
    lo, hi = _decimal(low), _decimal(high)
    if lo is None or hi is None:
        return format_rate(hi if lo is None else lo)
    return f"{lo.quantize(SHOWN_PLACES)}%{RANGE_DASH}{hi.quantize(SHOWN_PLACES)}%"


def format_score(score) -> str:
    """A match score to two decimals: Decimal('61.0300000000000') → '61.03'."""
    number = _decimal(score)
    return MISSING if number is None else f"{number.quantize(SHOWN_PLACES)}"
