"""Reads of the audit log for the finance office's search page."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


def audited_object_types() -> list[tuple[int, str]]:
    """The kinds of object the log holds events for, as (content type id, name) choices."""
    types = ContentType.objects.filter(pk__in=AuditEvent.objects.values("content_type"))
    return sorted(
        ((ct.pk, str(ct.model_class()._meta.verbose_name)) for ct in types if ct.model_class()),
        key=lambda choice: choice[1],
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(
    *,
    content_type_id: int | None = None,
    object_id: int | None = None,
    actor_username: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every given criterion, newest first; dates are local (Asia/Shanghai)."""
    events = AuditEvent.objects.select_related("actor", "content_type").order_by(
        "-created_at", "-id"
    )
    if content_type_id:
        events = events.filter(content_type_id=content_type_id)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_username:
        events = events.filter(actor__username__iexact=actor_username.strip())
    if date_from:
        events = events.filter(created_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(created_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return events
