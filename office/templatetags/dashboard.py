"""Display filters of the office's dashboard: fractions as percentages, day counts."""

from django import template

from core.money import MISSING

register = template.Library()


@register.filter
def fraction(value):
    """0.256 → '25.6%'; nothing → '—'."""
    if value is None:
        return MISSING
    return f"{float(value) * 100:.1f}%"


@register.filter
def days(value):
    """A median of working days: 2.5 → '2.5'; nothing → '—'."""
    if value is None:
        return MISSING
    return f"{float(value):.1f}".removesuffix(".0")
