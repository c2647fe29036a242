"""Background work on leads. Each task takes ids and calls one service; each is safe to run twice:
allocation runs under need locks and leads are unique per need and institution; reminders are
claimed in ``ReminderLog`` before they go out."""

from celery import shared_task

from . import allocation, services


@shared_task(name="leads.tasks.refresh_leads", acks_late=True)
def refresh_leads(need_ids: list[int]) -> int:
    """Hand freed places on these needs to the next matching institutions."""
    return allocation.leads_refresh(need_ids=need_ids)


@shared_task(name="leads.tasks.send_overdue_reminders")
def send_overdue_reminders() -> dict:
    """Daily: overdue leads to institution admins and a digest to the finance office."""
    return services.overdue_reminders_send()


@shared_task(name="leads.tasks.send_new_lead_digests")
def send_new_lead_digests() -> int:
    """Daily: the new-lead digest to officers who chose it."""
    return services.new_lead_digests_send()


@shared_task(name="leads.tasks.refresh_response_rates")
def refresh_response_rates() -> int:
    """Hourly: each institution's on-time first-contact rate, a matching factor."""
    return services.institution_response_rates_refresh()


@shared_task(name="leads.tasks.send_meeting_follow_up_notices")
def send_meeting_follow_up_notices() -> int:
    """Daily: institutions hear of agreements signed at meetings and still not paid out."""
    return services.meeting_follow_up_notices_send()
