"""The transactional outbox: every Celery task the portal queues goes through ``enqueue``.

``enqueue`` writes an ``OutboxMessage`` row inside the caller's transaction, so the task exists
exactly when the change that needs it exists. After the commit it is published at once, with a
short broker timeout and no retry, so a page never waits on a broker that is down; rows left
unsent are published by ``relay_pending`` (beat every minute, ``manage.py relay_outbox``), oldest
first. Publishing claims each row under a row lock (``skip_locked``), so relays may run twice and
concurrently; a task may still be delivered twice (the broker took it, the commit marking it
sent failed), which every task tolerates.

Core is the lowest app, so rows carry task *names* and are published with ``send_task``.
"""

import logging
import time

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Rows published per relay transaction: small enough that the row locks are held briefly.
RELAY_BATCH_SIZE = 100
# See _send: one reconnect at once, no back-off.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
# After a failed publish this process leaves publishing to the relay for a while, so one request
# that queues several tasks, and the requests after it, wait for a down broker once, not each time.
BROKER_DOWN_PAUSE_SECONDS = 30
_paused_until = 0.0
# Keep the stored error short; the log has the rest.
LAST_ERROR_MAX_CHARS = 1000


def enqueue(task_name: str, *args) -> OutboxMessage:
    """Queue ``task_name(*args)`` (JSON arguments) with the current transaction; publish after it
    commits. Outside a transaction the row is written and published at once."""
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    transaction.on_commit(lambda: publish(message.pk), robust=True)
    return message


def publish(message_id: int) -> bool:
    """Publish one pending row now. True when this call sent it; False when it was already sent,
    is being sent by someone else, or the broker is down (the row then waits for the relay)."""
    if time.monotonic() < _paused_until:
        return False
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at=None)
            .first()
        )
        return message is not None and _send(message)


def relay_pending(*, limit: int | None = None) -> int:
    """Publish unsent rows, oldest first; stop at the first broker failure. Returns rows sent."""
    sent = 0
    while limit is None or sent < limit:
        batch = RELAY_BATCH_SIZE if limit is None else min(RELAY_BATCH_SIZE, limit - sent)
        with transaction.atomic():
            messages = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at=None)
                .order_by("created_at", "id")[:batch]
            )
            for message in messages:
                if not _send(message):
                    return sent  # the broker is down: the rest waits for the next run
                sent += 1
        if len(messages) < batch:
            break
    return sent


def _send(message: OutboxMessage) -> bool:
    """Publish a claimed row and mark it sent (True); on failure record why (False)."""
    global _paused_until
    message.attempts += 1
    try:
        current_app.send_task(
            message.task_name,
            args=message.args,
            # Nobody waits on these results; skipping the result backend also keeps a down Redis
            # from stalling the request in the backend's own retry loop.
            ignore_result=True,
            # One immediate reconnect (a pooled connection may have died with an earlier
            # outage), then give up: the relay is the retry, the page must not wait.
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception as error:  # kombu raises many types; all mean "not published"
        logger.warning(
            "Outbox: could not publish %s (#%s): %s", message.task_name, message.pk, error
        )
        message.last_error = f"{type(error).__name__}: {error}"[:LAST_ERROR_MAX_CHARS]
        message.save(update_fields=["attempts", "last_error"])
        _paused_until = time.monotonic() + BROKER_DOWN_PAUSE_SECONDS
        return False
    _paused_until = 0.0
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "sent_at", "last_error"])
    return True
