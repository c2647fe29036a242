from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Meeting


def upcoming_meetings(*, limit: int = 5):
    return Meeting.objects.filter(
        starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:limit]


def meeting_by_id(*, pk: int) -> Meeting:
    return get_object_or_404(Meeting, pk=pk)


def meeting_by_board_token(*, token: str) -> Meeting:
    """The meeting whose hall-screen link this is; 404 for a wrong or rotated token."""
    if not token:
        raise Http404
    return get_object_or_404(
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED), board_token=token
    )
