from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    name="accounts.tasks.send_notice_email",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_notice_email(notice_id: int) -> bool:
    return services.notice_email_deliver(notice_id=notice_id)
