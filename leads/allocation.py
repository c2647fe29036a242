"""Allocation: which institutions get a lead on a need, from the matches the engine kept.

A need goes to the best matched institutions without a lead, up to the contact cap; a new,
untouched lead whose institution no longer matches is closed by the system through the lead
status map (with its audit event and a notice to the institution).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import PortalSettings
from core.workdays import working_day_deadline
from enterprises.models import OPEN_NEED_STATUSES, FinancingNeed
from matchmaking.kernel import KeptMatch
from matchmaking.models import Match
from matchmaking.signals import matches_written
from matchmaking.writer import lock_needs

from . import services
from .models import ACTIVE_LEAD_STATUSES, Lead


def leads_allocate(
    need_ids: Sequence[int],
    kept_by_need: dict[int, list[KeptMatch]],
    *,
    now=None,
    complete: bool = True,
) -> int:
    """Give free slots (up to the contact cap) to the best matched institutions without a lead,
    and close new, untouched leads whose institution no longer matches. Returns leads created.

    With ``complete=False`` the kept matches given are only some of the need's (one
    product's), so no lead is closed for lack of a match."""
    now = now or timezone.now()
    settings_row = PortalSettings.load()
    statuses = dict(FinancingNeed.objects.filter(pk__in=need_ids).values_list("pk", "status"))
    leads_by_need = defaultdict(list)
    pushed = set()
    for *row, pushed_at in Lead.objects.filter(need_id__in=need_ids).values_list(
        "pk", "need_id", "institution_id", "status", "pushed_at"
    ):
        leads_by_need[row[1]].append(tuple(row))
        if pushed_at is not None:
            pushed.add(row[0])
    new_leads, to_close = [], []
    for need_id in need_ids:
        leads = leads_by_need.get(need_id, [])
        best_by_institution = {}
        for match in kept_by_need.get(need_id, []):
            best_by_institution.setdefault(match.institution_id, match)
        closing = {
            pk
            for pk, _n, institution_id, status in leads
            if complete
            and status == Lead.Status.NEW
            and institution_id not in best_by_institution
            # The finance office chose this institution by hand: no match is needed.
            and pk not in pushed
        }
        to_close.extend(closing)
        if statuses.get(need_id) not in OPEN_NEED_STATUSES:
            continue
        active = sum(
            1
            for pk, _n, _i, status in leads
            if status in ACTIVE_LEAD_STATUSES and pk not in closing
        )
        had = {institution_id for _pk, _n, institution_id, _s in leads}
        free = settings_row.contact_cap - active
        for institution_id, match in best_by_institution.items():
            if free <= 0:
                break
            if institution_id not in had:
                new_leads.append(match)
                free -= 1
    if to_close:
        services.leads_close_by_system(
            leads=Lead.objects.filter(pk__in=to_close, status=Lead.Status.NEW),
            note=_("The need no longer matches this institution's products."),
        )
    if not new_leads:
        return 0
    due = working_day_deadline(now, settings_row.response_working_days)
    if connection.vendor == "postgresql":
        created_by_institution = _insert_leads_postgresql(new_leads, now=now, due=due)
    else:
        created_by_institution = _insert_leads(new_leads, need_ids, now=now, due=due)
    services.officers_tell_of_new_leads(created_by_institution=created_by_institution)
    return sum(created_by_institution.values())


def _insert_leads(new_leads: list[KeptMatch], need_ids, *, now, due) -> dict[int, int]:
    """Portable insert; returns {institution_id: leads created}. The batch's leads share their
    ``received_at`` stamp, which tells them apart from leads another process created."""
    Lead.objects.bulk_create(
        [
            Lead(
                need_id=m.need_id,
                institution_id=m.institution_id,
                product_id=m.product_id,
                score=Decimal(m.centipoints) / 100,
                received_at=now,
                contact_due_at=due,
            )
            for m in new_leads
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return dict(
        Lead.objects.filter(need_id__in=need_ids, received_at=now, status=Lead.Status.NEW)
        .values("institution_id")
        .annotate(n=Count("id"))
        .values_list("institution_id", "n")
    )


def _insert_leads_postgresql(new_leads: list[KeptMatch], *, now, due) -> dict[int, int]:
    """COPY new leads in; a lead another process created meanwhile is left as it is. Returns
    {institution_id: leads created}, counted by the database in the same statement."""
    buffer = io.StringIO()
    stamp, deadline = now.isoformat(), due.isoformat()
    for m in new_leads:
        buffer.write(
            f"{m.need_id}\t{m.institution_id}\t{m.product_id}\t{m.centipoints // 100}.{m.centipoints % 100:02d}\t{stamp}\t{deadline}\n"
        )
    buffer.seek(0)
    table = Lead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tmp_lead (need_id bigint, institution_id bigint, "
            "product_id bigint, score numeric(5,2), received_at timestamptz, "
            "contact_due_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tmp_lead")
        cursor.cursor.copy_expert("COPY tmp_lead FROM STDIN", buffer)
        cursor.execute(
            f"""WITH created AS (
                    INSERT INTO {table} (need_id, institution_id, product_id, score, status,
                        assigned_to_id, received_at, contact_due_at, first_contacted_at,
                        decline_reason, decline_note, created_at, updated_at)
                    SELECT need_id, institution_id, product_id, score, %s, NULL, received_at,
                        contact_due_at, NULL, '', '', received_at, received_at
                    FROM tmp_lead
                    ON CONFLICT (need_id, institution_id) DO NOTHING
                    RETURNING institution_id)
                SELECT institution_id, count(*) FROM created GROUP BY institution_id""",
            [Lead.Status.NEW],
        )
        return dict(cursor.fetchall())


def stored_kept_matches(need_ids: Sequence[int]) -> dict[int, list[KeptMatch]]:
    """The stored matches of these needs, best first, in the kernel's shape."""
    kept_by_need = defaultdict(list)
    for need_id, product_id, institution_id, score in (
        Match.objects.filter(need_id__in=list(need_ids))
        .order_by("need_id", "-score", "product_id")
        .values_list("need_id", "product_id", "product__institution_id", "score")
    ):
        kept_by_need[need_id].append(
            KeptMatch(need_id, product_id, institution_id, int(score * 100))
        )
    return kept_by_need


def leads_refresh(*, need_ids: Sequence[int]) -> int:
    """Re-run allocation for needs from their stored matches (after a decline or a release)."""
    if not need_ids:
        return 0
    with transaction.atomic():
        lock_needs(need_ids)
        return leads_allocate(list(need_ids), stored_kept_matches(need_ids))


@receiver(matches_written)
def allocate_on_matches_written(sender, *, need_ids, kept_by_need, complete, **kwargs) -> int:
    """The engine wrote these needs' matches (and holds their locks): allocate from them."""
    if kept_by_need is None:
        kept_by_need = stored_kept_matches(need_ids)
    return leads_allocate(need_ids, kept_by_need, complete=complete)
