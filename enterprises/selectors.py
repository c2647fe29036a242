"""Reads for enterprise pages and the API; every query is scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Enterprise,
    EnterpriseInvitation,
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


def needs_visible_to_institution(*, need_ids, institution_id: int) -> set[int]:
    """Which of ``need_ids`` the institution may see: ``institution_may_see_need`` for many needs
    in two queries."""
    need_ids = list(need_ids)
    revoked = NeedAccessRevocation.objects.filter(
        need_id__in=need_ids, institution_id=institution_id
    ).values_list("need_id", flat=True)
    return set(
        FinancingNeed.objects.filter(pk__in=need_ids)
        .exclude(pk__in=revoked)
        .filter(
            ~Q(visibility=FinancingNeed.Visibility.CHOSEN)
            | Q(allowed_institutions__pk=institution_id)
        )
        .values_list("pk", flat=True)
    )


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


# Pages list at most this many pending invitations.
PENDING_INVITATIONS_SHOWN = 20


def enterprise_members(*, enterprise: Enterprise):
    return enterprise.members.select_related("user").order_by("-is_admin", "created_at")


def pending_enterprise_invitations(*, enterprise: Enterprise):
    return enterprise.invitations.filter(accepted_at__isnull=True).order_by("-created_at")[
        :PENDING_INVITATIONS_SHOWN
    ]


def member_of_enterprise(*, enterprise: Enterprise, user_id: int):
    """A colleague's account (404 for a stranger)."""
    return get_object_or_404(enterprise.members.select_related("user"), user_id=user_id).user


def enterprise_invitation_by_token(*, token: str) -> EnterpriseInvitation:
    return get_object_or_404(EnterpriseInvitation.objects.select_related("enterprise"), token=token)


def enterprise_projects(*, enterprise: Enterprise):
    return enterprise.projects.select_related("chain").order_by("-created_at")


def need_by_id(*, pk: int) -> FinancingNeed:
    """Any need by id (404 if none); callers' services decide who may act on it."""
    return get_object_or_404(FinancingNeed, pk=pk)
