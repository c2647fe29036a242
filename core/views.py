"""The one place a refused request (``core.errors.ServiceError``) becomes what a page shows."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .errors import ServiceError
from .once import Outcome


def show_refusal(request, error: ServiceError, form=None) -> None:
    """Beside its field when the form has that field, otherwise as a message on the page."""
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)


def show_filter_errors(request, form) -> None:
    """A page whose query string carries invalid filters is shown without them, saying which."""
    if form.is_bound and not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.warning(
                    request,
                    _("Filter “%(label)s” ignored: %(error)s") % {"label": label, "error": error}
                    if label
                    else error,
                )


def redirect_after_create(request, outcome: Outcome, message: str):
    """To what the form created; a replay of the form (``core.once``) says so instead."""
    if outcome.replayed:
        messages.info(request, _("This form had already been sent; here is what it created."))
    else:
        messages.success(request, message)
    return redirect(outcome.url)
