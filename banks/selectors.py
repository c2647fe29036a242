from django.db.models import Count, Q, QuerySet

from matchmaking.models import ACTIVE_LEAD_STATUSES, Lead

from .models import Institution, LoanProduct


def lead_counts_for_institution(*, institution: Institution) -> dict[str, int]:
    return Lead.objects.filter(institution=institution).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status__in=ACTIVE_LEAD_STATUSES)),
        signed=Count("id", filter=Q(status=Lead.Status.SIGNED)),
    )


def products_for_institution(*, institution: Institution) -> QuerySet[LoanProduct]:
    return LoanProduct.objects.filter(institution=institution)
