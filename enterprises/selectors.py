"""Reads for enterprise pages and the API; every query is scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Notice

from .models import (
    Adviser,
    Enterprise,
    EnterpriseInvitation,
    FinancingNeed,
    NeedAccessRevocation,
    Project,
    Recommendation,
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


# --- Recommended lists and financial advisers -----------------------------------------------


def active_recommendations():
    return Recommendation.objects.filter(withdrawn_at__isnull=True)


def recommended_q(prefix: str = ""):
    """True for a need (reached through ``prefix``, e.g. "need__") while a bureau's
    recommendation of its enterprise as a whole, or of its project, stands."""
    active = active_recommendations()
    return Exists(
        active.filter(enterprise_id=OuterRef(f"{prefix}enterprise_id"), project__isnull=True)
    ) | Exists(active.filter(project_id=OuterRef(f"{prefix}project_id")))


def recommendations_list(*, department: str | None = None) -> QuerySet[Recommendation]:
    """Recommendations, newest first; a bureau's own only when ``department`` is given."""
    qs = Recommendation.objects.select_related("enterprise", "project", "recommended_by")
    if department:
        qs = qs.filter(department=department)
    return qs.order_by("withdrawn_at", "-created_at", "-id")


def recommendation_by_id(*, pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("enterprise"), pk=pk)


def recommendations_for_needs(needs) -> dict[int, list[Recommendation]]:
    """{need id: the standing recommendations of its enterprise or project}, in two queries at
    most, for badges on lists and pages."""
    needs = list(needs)
    if not needs:
        return {}
    rows = list(
        active_recommendations()
        .filter(
            Q(enterprise_id__in={n.enterprise_id for n in needs}, project__isnull=True)
            | Q(project_id__in={n.project_id for n in needs if n.project_id})
        )
        .select_related("project")
        .order_by("created_at", "id")
    )
    found = {}
    for need in needs:
        found[need.pk] = [
            r
            for r in rows
            if (r.project_id is None and r.enterprise_id == need.enterprise_id)
            or (r.project_id is not None and r.project_id == need.project_id)
        ]
    return found


def recommendations_for_need(need: FinancingNeed) -> list[Recommendation]:
    return recommendations_for_needs([need])[need.pk]


def recommendable_enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(verification_status=Enterprise.VerificationStatus.VERIFIED)


def current_advisers_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(since__lte=today) & (Q(until__isnull=True) | Q(until__gt=today))


def advisers_of_enterprise(*, enterprise: Enterprise) -> QuerySet[Adviser]:
    """The enterprise's current financial advisers, for its pages."""
    return (
        Adviser.objects.filter(current_advisers_q(), enterprise=enterprise)
        .select_related("user")
        .order_by("since", "id")
    )


def advisers_list() -> QuerySet[Adviser]:
    return Adviser.objects.select_related("enterprise", "user", "assigned_by").order_by(
        "until", "-since", "-id"
    )


def adviser_by_id(*, pk: int) -> Adviser:
    return get_object_or_404(Adviser, pk=pk)


def enterprises_advised_by(*, user) -> QuerySet[Enterprise]:
    """The enterprises ``user`` advises today (none for anyone else)."""
    advised = Adviser.objects.filter(current_advisers_q(), user=user).values("enterprise_id")
    return Enterprise.objects.filter(pk__in=advised).select_related("chain").order_by("name")


def enterprise_for_adviser(*, user, pk: int) -> Enterprise:
    """An enterprise its current adviser may look at, or 404 for anyone else."""
    return get_object_or_404(enterprises_advised_by(user=user), pk=pk)


def needs_for_adviser(*, enterprise: Enterprise) -> QuerySet[FinancingNeed]:
    """What an adviser sees of the enterprise's needs: every need it has submitted (drafts stay
    the enterprise's own)."""
    return needs_for_enterprise(enterprise=enterprise).exclude(status=FinancingNeed.Status.DRAFT)


# An adviser's page shows the enterprise's latest notices, at most this many.
ADVISER_NOTICES_SHOWN = 20


def notices_for_adviser(*, enterprise: Enterprise):
    """The latest notices the portal sent the enterprise's members (read-only for the adviser)."""
    return Notice.objects.filter(user__enterprise_membership__enterprise=enterprise).order_by(
        "-created_at", "-id"
    )[:ADVISER_NOTICES_SHOWN]
