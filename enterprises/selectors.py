from django.db.models import QuerySet

from .models import Enterprise, FinancingNeed


def enterprise_for_user(*, user) -> Enterprise:
    return user.enterprise_membership.enterprise


def needs_for_enterprise(*, enterprise: Enterprise) -> QuerySet[FinancingNeed]:
    return FinancingNeed.objects.filter(enterprise=enterprise).select_related("project")
