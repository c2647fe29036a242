"""The portal's display filters: every amount, range, rate, score and enum code a page shows goes
through one of these, so no page prints a raw value ("61.0300000000000", "micro", "7,800,000.00元").

The conversions live in ``core.money``; the services' notice texts use the same functions.
"""

from django import template
from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import money
from core.models import AuditEvent
from core.reference import Collateral
from core.sizing import Industry, SizeClass
from core.text import in_parentheses, join_labels, label_value

register = template.Library()

# Vocabularies core itself defines, by the name templates use: ``codes|labels:"size_class"``.
CORE_VOCABULARIES = {
    "size_class": SizeClass,
    "collateral": Collateral,
    "industry": Industry,
}


@register.filter
def money_amount(amount):
    """780万元 → '780.00万元'; from 1亿元 up → '7.48亿元'."""
    return money.format_money(amount)


# ``wan`` was the portal's first money filter; it now chooses 万元 or 亿元 like ``money_amount``.
register.filter("money", money_amount)
register.filter("wan", money_amount)


@register.filter
def yi(amount):
    """Always in 亿元, for district totals: 748000000 → '7.48亿元'."""
    return money.format_yi(amount)


@register.filter
def in_wan(amount):
    """Always in 万元, beside a total shown in 亿元: 748000000 → '74,800.00万元'."""
    return money.format_wan(amount)


@register.filter
def money_range(low, high):
    """``{{ p.min_amount|money_range:p.max_amount }}`` → '100.00万元–2.00亿元'."""
    return money.format_money_range(low, high)


@register.filter
def rate(value):
    return money.format_rate(value)


register.filter("percent", rate)


@register.filter
def rate_range(low, high):
    return money.format_rate_range(low, high)


@register.filter
def score(value):
    """A match score to two decimals."""
    return money.format_score(value)


@register.filter
def months_range(low, high):
    """'6–36个月'."""
    if low in (None, "") or high in (None, ""):
        return money.MISSING
    return _("%(lo)s–%(hi)s months") % {"lo": low, "hi": high}


def _choices_of(vocabulary: str) -> dict[str, str]:
    """A core vocabulary ('size_class') or a model field ('accounts.User.role') as code → label.

    Model fields are read from the app registry, as the admin does, so this core module imports
    no app above it."""
    if vocabulary in CORE_VOCABULARIES:
        return {c.value: str(c.label) for c in CORE_VOCABULARIES[vocabulary]}
    app_label, model_name, field_name = vocabulary.split(".")
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    return {str(value): str(label) for value, label in field.flatchoices}


@register.filter
def label(code, vocabulary):
    """``{{ code|label:"size_class" }}`` → '小型'; an empty code reads '—', an unknown one is kept
    (it is data, not a code)."""
    if code in (None, ""):
        return money.MISSING
    return _choices_of(vocabulary).get(str(code), code)


@register.filter
def labels(codes, vocabulary):
    """``{{ product.eligible_size_classes|labels:"size_class" }}`` → '微型、小型'; none → '不限'."""
    if not codes:
        return pgettext("no restriction", "Any")
    choices = _choices_of(vocabulary)
    return join_labels(choices.get(str(c), str(c)) for c in codes)


@register.filter
def actor_role(value):
    """An audit row's recorded role ('government:finance_office', 'officer', 'system') as words."""
    if value in (None, ""):
        return money.MISSING
    if value == AuditEvent.SYSTEM_ROLE:
        return _("System")
    role, _sep, department = str(value).partition(":")
    if department:
        return label(department, "accounts.User.department")
    if role == "admin":
        return _("Administrator")
    return label(role, "accounts.User.role")


@register.filter
def join_list(items):
    """``{{ need.collateral_labels|join_list }}`` → '抵押、保证' / 'mortgage, guarantee'."""
    return join_labels(items)


@register.filter
def parenthesised(text):
    """``{{ chain.cluster|parenthesised }}`` → '（化工）' / '(chemicals)'."""
    return in_parentheses(text)


@register.simple_tag
def labelled(label, value):
    """``{% labelled _("Amount") amount %}`` → '金额：…' / 'Amount: …'."""
    return label_value(label, value)
