"""Reads for enterprise pages and the API; every query is scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Enterprise,
    FinancingNeed,
    FinancingNeedEvent,
    NeedAccessLog,
    NeedAccessRevocation,
    Project,
)


def enterprise_for_user(*, user) -> Enterprise:
    return user.enterprise_membership.enterprise


def needs_for_enterprise(
    *, enterprise: Enterprise, status: str | None = None
) -> QuerySet[FinancingNeed]:
    qs = FinancingNeed.objects.filter(enterprise=enterprise).select_related("project")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def need_for_member(*, user, pk: int) -> FinancingNeed:
    """A need of the member's own enterprise, or 404 (another enterprise's need does not exist)."""
    return get_object_or_404(
        FinancingNeed.objects.select_related("enterprise", "project"),
        pk=pk,
        enterprise=enterprise_for_user(user=user),
    )


def project_for_member(*, user, pk: int) -> Project:
    return get_object_or_404(Project, pk=pk, enterprise=enterprise_for_user(user=user))


def projects_for_enterprise(*, enterprise: Enterprise, include_archived: bool = False):
    qs = Project.objects.filter(enterprise=enterprise).select_related("chain")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("-created_at")


def need_timeline(*, need: FinancingNeed) -> list[dict]:
    """The need's own status changes and every recorded step institutions took on it, in order."""
    from matchmaking.models import LeadEvent

    entries = [
        {
            "at": e.created_at,
            "actor": e.actor,
            "text": e.message,
            "from": e.get_from_status_display() if e.from_status else "",
            "to": e.get_to_status_display() if e.to_status else "",
            "institution": None,
        }
        for e in FinancingNeedEvent.objects.filter(need=need).select_related("actor")
    ]
    entries += [
        {
            "at": e.created_at,
            "actor": e.actor,
            "text": e.note,
            "from": e.get_from_status_display() if e.from_status else "",
            "to": e.get_to_status_display() if e.to_status else "",
            "institution": e.lead.institution,
        }
        for e in LeadEvent.objects.filter(lead__need=need).select_related(
            "actor", "lead__institution"
        )
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def need_consent_rows(*, need: FinancingNeed) -> list[dict]:
    """Which institutions may see the need, have it, or had it revoked; and when each opened it."""
    from banks.models import Institution
    from matchmaking.models import Lead

    opened = {
        row["institution_id"]: row
        for row in NeedAccessLog.objects.filter(need=need)
        .values("institution_id")
        .annotate(first=Min("accessed_at"), last=Max("accessed_at"), times=Count("id"))
    }
    revoked = {r.institution_id: r for r in NeedAccessRevocation.objects.filter(need=need)}
    leads = {lead.institution_id: lead for lead in Lead.objects.filter(need=need)}
    ids = set(opened) | set(revoked) | set(leads)
    if need.visibility == FinancingNeed.Visibility.CHOSEN:
        ids |= set(need.allowed_institutions.values_list("pk", flat=True))
    institutions = Institution.objects.filter(pk__in=ids).order_by("name")
    return [
        {
            "institution": institution,
            "revoked": revoked.get(institution.pk),
            "lead": leads.get(institution.pk),
            "first_opened": opened.get(institution.pk, {}).get("first"),
            "last_opened": opened.get(institution.pk, {}).get("last"),
            "times_opened": opened.get(institution.pk, {}).get("times", 0),
        }
        for institution in institutions
    ]


def institution_may_see_need(*, need: FinancingNeed, institution_id: int) -> bool:
    if NeedAccessRevocation.objects.filter(need=need, institution_id=institution_id).exists():
        return False
    if need.visibility == FinancingNeed.Visibility.CHOSEN:
        return need.allowed_institutions.filter(pk=institution_id).exists()
    return True


def pending_verifications() -> QuerySet[Enterprise]:
    return (
        Enterprise.objects.filter(verification_status=Enterprise.VerificationStatus.PENDING)
        .select_related("chain")
        .prefetch_related(Prefetch("members"))
        .order_by("created_at")
    )
