from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from enterprises.models import FinancingNeed

from .models import LoanAgreement, Meeting


def signed_totals() -> dict:
    totals = LoanAgreement.objects.aggregate(amount=Sum("amount"), count=Count("id"))
    return {"amount": totals["amount"] or Decimal("0.00"), "count": totals["count"]}


def needs_by_status() -> dict[str, int]:
    rows = FinancingNeed.objects.values_list("status").annotate(n=Count("id"))
    return dict(rows)


def meeting_signed_total(*, meeting: Meeting) -> Decimal:
    return meeting.agreements.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def upcoming_meetings(*, limit: int = 5):
    return Meeting.objects.filter(
        starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:limit]


def past_meetings_with_totals(*, limit: int = 5):
    return (
        Meeting.objects.filter(status=Meeting.Status.HELD)
        .annotate(signed_amount=Sum("agreements__amount"), signed_count=Count("agreements"))
        .order_by("-starts_at")[:limit]
    )
