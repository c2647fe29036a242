"""Writes of the console's own records: the league table's share links."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ServiceError

from .models import LeagueShareLink

# A link lives at most a quarter: long enough for a reporting cycle, short enough to go stale.
SHARE_LINK_MAX_DAYS = 92


def _require_finance_office(actor) -> None:
    if actor is None or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office shares the league table."))


@transaction.atomic
def league_share_link_create(
    *, actor, days: int, note: str = "", date_from=None, date_to=None
) -> LeagueShareLink:
    """A read-only link to the league table for the period given (open-ended when empty)."""
    _require_finance_office(actor)
    if date_from and date_to and date_from > date_to:
        raise ServiceError(_("The end date must not be before the start date."), field="date_to")
    if not 1 <= days <= SHARE_LINK_MAX_DAYS:
        raise ServiceError(
            _("A link lasts between 1 and %(max)d days.") % {"max": SHARE_LINK_MAX_DAYS},
            field="days",
        )
    link = LeagueShareLink.objects.create(
        created_by=actor,
        note=note,
        date_from=date_from,
        date_to=date_to,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(obj=link, action="created", actor=actor, to_state="live", note=note)
    return link


@transaction.atomic
def league_share_link_revoke(*, link: LeagueShareLink, actor) -> LeagueShareLink:
    _require_finance_office(actor)
    link = LeagueShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ServiceError(_("This link was already revoked."))
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit_record(obj=link, action="status", actor=actor, from_state="live", to_state="revoked")
    return link
