"""The one function every state change calls to leave its trace (全程留痕).

``audit_record`` writes an ``AuditEvent`` for one object; ``audit_record_many`` for a bulk change
(the engine closing leads). The request's IP address reaches it through ``AuditContextMiddleware``
without every service taking a request argument.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import AuditEvent

_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_request_ip", default=None
)

# An object's label is cut to the column's width.
OBJECT_REPR_LENGTH = 200


def actor_role(actor) -> str:
    """The role recorded beside an actor: a government user's department says more than its role."""
    if actor is None:
        return AuditEvent.SYSTEM_ROLE
    if getattr(actor, "department", ""):
        return f"{actor.role}:{actor.department}"
    return getattr(actor, "role", "") or ("admin" if actor.is_superuser else "")


def _event(
    obj: models.Model, *, action, actor, from_state, to_state, note, thread, at=None
) -> AuditEvent:
    thread = thread if thread is not None else obj
    return AuditEvent(
        created_at=at or timezone.now(),
        actor=actor,
        actor_role=actor_role(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:OBJECT_REPR_LENGTH],
        thread_type=ContentType.objects.get_for_model(thread),
        thread_id=thread.pk,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        note=note or "",
        ip_address=_request_ip.get() if actor is not None else None,
    )


def audit_record(
    *,
    obj: models.Model,
    action: str,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    thread: models.Model | None = None,
    at=None,
) -> AuditEvent:
    """Record one change of ``obj``. ``actor=None`` means the system did it; ``at`` is only for
    history recorded after the fact (imported records), never for a change made now."""
    event = _event(
        obj,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        thread=thread,
        at=at,
    )
    event.save()
    return event


def audit_record_many(
    *,
    objs: Iterable[models.Model],
    action: str,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    thread_of=None,
) -> list[AuditEvent]:
    """The same change on many objects, in one INSERT (``thread_of(obj)`` names each thread)."""
    events = [
        _event(
            obj,
            action=action,
            actor=actor,
            from_state=from_state,
            to_state=to_state,
            note=note,
            thread=thread_of(obj) if thread_of else None,
        )
        for obj in objs
    ]
    return AuditEvent.objects.bulk_create(events)


def audit_thread(thread: models.Model):
    """Every event of a thread (an object and what belongs to it), oldest first."""
    return AuditEvent.objects.filter(
        thread_type=ContentType.objects.get_for_model(thread), thread_id=thread.pk
    ).select_related("actor", "content_type")


def audit_for_object(obj: models.Model):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


class AuditContextMiddleware:
    """Makes the request's client address available to ``audit_record`` for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)
