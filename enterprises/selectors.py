"""Reads for enterprise pages and the API; every query is scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Enterprise,
    FinancingNeed,
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


def needs_by_status() -> dict[str, int]:
    rows = FinancingNeed.objects.values_list("status").annotate(n=Count("id"))
    return dict(rows)


def enterprise_for_review() -> QuerySet[Enterprise]:
    """Enterprises as the verification page shows them."""
    return Enterprise.objects.select_related("chain__cluster")
