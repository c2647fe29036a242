"""The finance office's own writes. Each service checks who acts, runs in one transaction and
records the change in the audit log: annual targets, the league table's share links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Institution
from core.audit import audit_record
from core.errors import ServiceError
from core.money import format_money

from .models import (
    TARGET_MAX_YEAR,
    TARGET_MIN_YEAR,
    AnnualTarget,
    LeagueShareLink,
    SummaryState,
)

# A district target above 10,000亿元 is a typing error (万 entered as 元 twice over).
TARGET_MAX_AMOUNT = Decimal(10) ** 12


@transaction.atomic
def annual_target_set(
    *, actor, year: int, institution: Institution | None, amount: Decimal
) -> AnnualTarget:
    """Set (or change) the year's signing target, for the district or one institution.
    Only the finance office sets targets; bureaus see them."""
    if actor is None or not actor.is_active or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office sets annual targets."))
    if not (TARGET_MIN_YEAR <= int(year) <= TARGET_MAX_YEAR):
        raise ServiceError(_("Enter a year such as 2026."), field="year")
    if amount is None or amount <= 0 or amount > TARGET_MAX_AMOUNT:
        raise ServiceError(_("Enter a target above zero."), field="amount")
    amount = Decimal(amount).quantize(Decimal("0.01"))
    target = (
        AnnualTarget.objects.select_for_update().filter(year=year, institution=institution).first()
    )
    before = target.amount if target else None
    if target is None:
        target = AnnualTarget.objects.create(
            year=year, institution=institution, amount=amount, updated_by=actor
        )
    else:
        target.amount, target.updated_by = amount, actor
        target.save(update_fields=["amount", "updated_by", "updated_at"])
    # The dashboard's cached figures include the targets.
    SummaryState.touch()
    audit_record(
        obj=target,
        action="created" if before is None else "changed",
        actor=actor,
        note=(
            _("Target %(amount)s") % {"amount": format_money(amount)}
            if before is None
            else _("Target %(before)s → %(amount)s")
            % {"before": format_money(before), "amount": format_money(amount)}
        ),
    )
    return target


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
