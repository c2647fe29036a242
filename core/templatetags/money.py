"""Show yuan amounts the way Chinese users read them: 万元 and 亿元, computed exactly."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from core.money import WAN, YI

register = template.Library()


def _fmt(value: Decimal, places: str) -> str:
    return intcomma(value.quantize(Decimal(places)))


@register.filter
def wan(amount):
    """1234567.00 → '123.46万元'."""
    if amount in (None, ""):
        return "—"
    return _("%(n)s ten-thousand yuan") % {"n": _fmt(Decimal(amount) / WAN, "0.01")}


@register.filter
def yi(amount):
    """748000000 → '7.48亿元'."""
    if amount in (None, ""):
        return "—"
    return _("%(n)s hundred-million yuan") % {"n": _fmt(Decimal(amount) / YI, "0.01")}


@register.filter
def percent(rate):
    if rate in (None, ""):
        return "—"
    return f"{Decimal(rate).quantize(Decimal('0.01'))}%"
