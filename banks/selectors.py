"""Reads for the officers' pages and the API, always scoped to the officer's institution."""

from decimal import Decimal, InvalidOperation

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from enterprises.models import OPEN_NEED_STATUSES, Enterprise, NeedAccessRevocation
from matchmaking.models import ACTIVE_LEAD_STATUSES, Lead, Match
from matchmaking.selectors import overdue_leads_q

from .filters import LeadFilter
from .models import Institution, LoanProduct, Officer


def lead_counts_for_institution(*, institution: Institution) -> dict[str, int]:
    return Lead.objects.filter(institution=institution).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status__in=ACTIVE_LEAD_STATUSES)),
        signed=Count("id", filter=Q(status=Lead.Status.SIGNED)),
        overdue=Count("id", filter=overdue_leads_q()),
    )


def leads_for_institution(*, institution: Institution) -> QuerySet[Lead]:
    """Every lead of the institution except on needs whose enterprise withdrew its access."""
    revoked = NeedAccessRevocation.objects.filter(need=OuterRef("need_id"), institution=institution)
    return (
        Lead.objects.filter(institution=institution)
        .exclude(Exists(revoked))
        .select_related(
            "need__enterprise__chain__cluster",
            "product",
            "assigned_to__user",
        )
    )


def lead_inbox(*, officer: Officer, params) -> LeadFilter:
    """The filtered, sorted inbox. With no status chosen it shows the leads still being worked."""
    queryset = leads_for_institution(institution=officer.institution).order_by(
        "-score", "contact_due_at", "id"
    )
    if not params.getlist("status"):
        queryset = queryset.filter(status__in=ACTIVE_LEAD_STATUSES)
    return LeadFilter(params, queryset=queryset, officer=officer)


def lead_for_officer(*, officer: Officer, pk: int) -> Lead:
    return get_object_or_404(leads_for_institution(institution=officer.institution), pk=pk)


def products_for_institution(*, institution: Institution) -> QuerySet[LoanProduct]:
    return LoanProduct.objects.filter(institution=institution).order_by("status", "name")


def product_for_officer(*, officer: Officer, pk: int) -> LoanProduct:
    return get_object_or_404(LoanProduct, pk=pk, institution=officer.institution)


def matched_needs_for_institution(*, institution: Institution):
    """Open needs matched to the institution's products that it holds no lead on yet, with how many
    institutions already hold each (the contact cap decides whether it can still take one)."""
    own_lead = Lead.objects.filter(need=OuterRef("need_id"), institution=institution)
    holders = (
        Lead.objects.filter(need=OuterRef("need_id"), status__in=ACTIVE_LEAD_STATUSES)
        .values("need_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Match.objects.filter(
            product__institution=institution,
            need__status__in=OPEN_NEED_STATUSES,
            need__enterprise__verification_status=Enterprise.VerificationStatus.VERIFIED,
        )
        .exclude(Exists(own_lead))
        .values(
            "need_id",
            "need__purpose",
            "need__amount",
            "need__term_months",
            "need__loan_kind",
            "need__enterprise__size_class",
            "need__enterprise__chain__name",
        )
        .annotate(
            best_score=Max("score"),
            holders=Coalesce(Subquery(holders, output_field=IntegerField()), 0),
        )
        .order_by("-best_score", "need_id")
    )


def officers_for_institution(*, institution: Institution):
    return (
        Officer.objects.filter(institution=institution)
        .select_related("user")
        .order_by("-is_active", "-role", "user__username")
    )


def published_products(*, params=None):
    """The public catalogue (金融超市): published products of active institutions."""
    qs = (
        LoanProduct.objects.filter(status=LoanProduct.Status.PUBLISHED, institution__is_active=True)
        .select_related("institution")
        .order_by("institution__name", "name")
    )
    params = params or {}
    if params.get("institution"):
        qs = qs.filter(institution_id=params["institution"])
    if params.get("tag"):
        qs = (
            qs.filter(tags__contains=[params["tag"]])
            if _json_contains_supported()
            else qs.filter(tags__icontains=f'"{params["tag"]}"')
        )
    if params.get("product_type"):
        qs = qs.filter(product_type=params["product_type"])
    amount = params.get("amount")
    if amount:
        try:
            yuan = Decimal(amount) * 10000
        except (InvalidOperation, ValueError):
            yuan = None
        if yuan is not None:
            qs = qs.filter(min_amount__lte=yuan, max_amount__gte=yuan)
    return qs


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains
