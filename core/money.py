"""Money in the portal: yuan as ``Decimal``, entered and shown in 万元 and 亿元 as Chinese users read it."""

from decimal import Decimal

# 1万元 and 1亿元 in yuan. Stated once: forms, filters, templates and demo data convert with these.
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
FEN = Decimal("0.01")


def wan_to_yuan(wan: Decimal | int | str) -> Decimal:
    """Exact conversion; the result may carry more than two decimals (callers check fen)."""
    return Decimal(wan) * WAN


def yuan_to_wan(yuan: Decimal | int | str) -> Decimal:
    return Decimal(yuan) / WAN


def yuan_to_yi(yuan: Decimal | int | str) -> Decimal:
    return Decimal(yuan) / YI
