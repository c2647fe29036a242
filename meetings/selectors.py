from django.utils import timezone

from .models import Meeting


def upcoming_meetings(*, limit: int = 5):
    return Meeting.objects.filter(
        starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:limit]
