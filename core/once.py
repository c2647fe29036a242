"""Forms that create something do it once per form instance.

Each such form carries a one-time token (``{% form_token %}``, a hidden ``form_token`` input).
``create_once`` claims the token in the same transaction as the creation: the first submission
inserts the token row and creates; a replay of the same form (a double click, a browser retry)
hits the unique constraint and is answered with what the first one created. On PostgreSQL a
replay racing the first submission waits on the constraint until that transaction ends, so it
never creates a second row; if the first one fails and rolls back, its token is free again.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .errors import ServiceError
from .models import UsedFormToken

FORM_TOKEN_FIELD = "form_token"
# 128 random bits, as hex: unguessable, so one person's token never meets another's.
TOKEN_BYTES = 16
_TOKEN_PATTERN = re.compile(rf"^[0-9a-f]{{{TOKEN_BYTES * 2}}}$")


@dataclass(frozen=True)
class Outcome:
    url: str
    replayed: bool


def new_form_token() -> str:
    return secrets.token_hex(TOKEN_BYTES)


def posted_form_token(request) -> str | None:
    """The token of the submitted form, or None when it has none (an old page or a script)."""
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    return token if _TOKEN_PATTERN.match(token) else None


def create_once(*, token: str | None, user, create: Callable[[], str]) -> Outcome:
    """Run ``create`` (which returns the address of what it made) at most once per token.

    A ``ServiceError`` from ``create`` rolls the claim back with the creation, so the person can
    correct the form and send it again. Without a token the form is simply processed."""
    owner = user if user is not None and user.is_authenticated else None
    if token is None:
        return Outcome(url=create(), replayed=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = UsedFormToken.objects.create(token=token, user=owner)
        except IntegrityError:
            claim = None
        if claim is not None:
            claim.result_url = create()
            claim.save(update_fields=["result_url"])
            return Outcome(url=claim.result_url, replayed=False)
    return earlier_outcome(token=token, user=user)


def earlier_outcome(*, token: str | None, user) -> Outcome | None:
    """What an earlier submission of this form created, if there was one.

    A view whose form validation depends on what the first submission created (registration:
    the user name and credit code are then taken) asks this before validating."""
    used = UsedFormToken.objects.filter(token=token).first() if token else None
    if used is None:
        return None
    owner = user if user is not None and user.is_authenticated else None
    if used.user_id is not None and (owner is None or used.user_id != owner.pk):
        # Only the person who sent the form learns where it led.
        raise ServiceError(
            str(_("This form has already been sent. Reload the page to start again."))
        )
    return Outcome(url=used.result_url, replayed=True)
