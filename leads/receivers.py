"""How leads follow what happens below them (connected in ``LeadsConfig.ready``).

Each receiver runs inside the transaction of the change that sent the signal, after the sender
locked the need, so the lock order (need, then leads) holds.
"""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banks.signals import officer_removed
from enterprises.models import FinancingNeed
from enterprises.signals import need_access_revoked, need_status_changed

from .models import ACTIVE_LEAD_STATUSES, Lead
from .services import leads_close_by_system

S = FinancingNeed.Status
# Why the system closes the leads on a need that leaves the market, by the need's new status.
CLOSING_NOTES = {
    S.SIGNED: gettext_lazy("The enterprise signed with another institution."),
    S.WITHDRAWN: gettext_lazy("The enterprise withdrew the need."),
    S.CLOSED: gettext_lazy("The enterprise closed the need."),
}


@receiver(need_status_changed)
def close_leads_when_need_leaves(sender, *, need, to_status, **kwargs) -> None:
    note = CLOSING_NOTES.get(to_status)
    if note is not None:
        leads_close_by_system(
            leads=Lead.objects.filter(need=need, status__in=ACTIVE_LEAD_STATUSES), note=str(note)
        )


@receiver(need_access_revoked)
def close_lead_when_access_revoked(sender, *, need, institution, **kwargs) -> None:
    leads_close_by_system(
        leads=Lead.objects.filter(
            need=need, institution=institution, status__in=ACTIVE_LEAD_STATUSES
        ),
        note=_("The enterprise withdrew this institution's access."),
    )


@receiver(officer_removed)
def unassign_removed_officer(sender, *, officer, **kwargs) -> None:
    """A removed officer's leads go back to the institution, unassigned."""
    Lead.objects.filter(assigned_to=officer).update(assigned_to=None, updated_at=timezone.now())
