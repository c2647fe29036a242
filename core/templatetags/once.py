"""``{% form_token %}``: the one-time token of a form that creates something (see core.once)."""

from django import template
from django.utils.html import format_html

from core.once import FORM_TOKEN_FIELD, new_form_token, posted_form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    """A hidden input; a form shown again after an error keeps its token (it created nothing)."""
    request = context.get("request")
    posted = (
        posted_form_token(request) if request is not None and request.method == "POST" else None
    )
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, posted or new_form_token()
    )
