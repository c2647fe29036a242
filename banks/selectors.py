"""Reads for institutions, officers and products (the catalogue included)."""

from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Institution, LoanProduct, Officer, OfficerInvitation


def products_for_institution(*, institution: Institution) -> QuerySet[LoanProduct]:
    return LoanProduct.objects.filter(institution=institution).order_by("status", "name")


def product_for_officer(*, officer: Officer, pk: int) -> LoanProduct:
    return get_object_or_404(LoanProduct, pk=pk, institution=officer.institution)


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


def products_awaiting_review() -> QuerySet[LoanProduct]:
    return (
        LoanProduct.objects.filter(status=LoanProduct.Status.SUBMITTED)
        .select_related("institution")
        .order_by("updated_at")
    )


# Pages list at most this many pending invitations.
PENDING_INVITATIONS_SHOWN = 20


def pending_officer_invitations(*, institution: Institution) -> QuerySet[OfficerInvitation]:
    return OfficerInvitation.objects.filter(
        institution=institution, accepted_at__isnull=True
    ).order_by("-created_at")[:PENDING_INVITATIONS_SHOWN]


def colleague_for_officer(*, officer: Officer, pk: int) -> Officer:
    """An officer of the same institution (404 for anyone else's)."""
    return get_object_or_404(
        Officer.objects.select_related("user", "institution"),
        pk=pk,
        institution=officer.institution,
    )


def officer_invitation_by_token(*, token: str) -> OfficerInvitation:
    return get_object_or_404(OfficerInvitation.objects.select_related("institution"), token=token)


def active_institutions() -> QuerySet[Institution]:
    return Institution.objects.filter(is_active=True).order_by("name")


def product_for_review(*, pk: int) -> LoanProduct:
    return get_object_or_404(LoanProduct.objects.select_related("institution"), pk=pk)


def institution_by_id(*, pk: int) -> Institution:
    return get_object_or_404(Institution, pk=pk)
