"""Reads for institutions, officers and products (the catalogue included)."""

from decimal import Decimal

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


def published_products(
    *,
    institution: Institution | None = None,
    tag: str | None = None,
    product_type: str | None = None,
    amount: Decimal | None = None,
) -> QuerySet[LoanProduct]:
    """The public catalogue (金融超市): published products of active institutions, narrowed by
    filters already validated (``banks.forms.CatalogueFilterForm``); ``amount`` is in yuan."""
    qs = (
        LoanProduct.objects.filter(status=LoanProduct.Status.PUBLISHED, institution__is_active=True)
        .select_related("institution")
        .order_by("institution__name", "name")
    )
    if institution is not None:
        qs = qs.filter(institution=institution)
    if tag:
        qs = (
            qs.filter(tags__contains=[tag])
            if _json_contains_supported()
            else qs.filter(tags__icontains=f'"{tag}"')
        )
    if product_type:
        qs = qs.filter(product_type=product_type)
    if amount is not None:
        qs = qs.filter(min_amount__lte=amount, max_amount__gte=amount)
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
