"""The one place a refused request (``core.errors.ServiceError``) becomes what a page shows."""

from django.contrib import messages

from .errors import ServiceError


def show_refusal(request, error: ServiceError, form=None) -> None:
    """Beside its field when the form has that field, otherwise as a message on the page."""
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)
