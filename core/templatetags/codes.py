"""Marks on codes the finance office should notice."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.uscc import division_code, is_outside_district

register = template.Library()


@register.simple_tag
def district_mark(credit_code):
    """A badge when the credit code was registered outside the district (PORTAL_DIVISION_CODES):
    such an enterprise is accepted, but the finance office checks why it applies here."""
    if not credit_code or not is_outside_district(credit_code):
        return ""
    division = division_code(credit_code)
    return format_html(
        '<span class="badge text-bg-warning ms-1" title="{}">{}</span>',
        _("Registered in division %(division)s, outside this district.") % {"division": division},
        _("Outside the district (%(division)s)") % {"division": division},
    )
