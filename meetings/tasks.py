"""Background work on meetings. Tasks take ids and call one service; each is safe to run twice
(deliveries are claimed in ``ReminderDelivery`` before they go out)."""

from celery import shared_task

from . import reminders


@shared_task(name="meetings.tasks.send_due_meeting_reminders")
def send_due_meeting_reminders() -> int:
    """Every few minutes: claim the reminders and nudges due now and queue their sending."""
    return reminders.meeting_reminders_queue_due()


@shared_task(
    bind=True,
    name="meetings.tasks.deliver_meeting_message",
    acks_late=True,
    max_retries=reminders.MAX_ATTEMPTS,
)
def deliver_meeting_message(self, delivery_id: int) -> str:
    """Send one claimed reminder, nudge, change or cancellation; retry with backoff on failure."""
    try:
        return reminders.reminder_delivery_send(delivery_id=delivery_id)
    except reminders.DeliveryRetry as retry:
        # The attempts are counted on the row; Celery's own bound is only a backstop.
        raise self.retry(countdown=retry.countdown, exc=retry) from retry
