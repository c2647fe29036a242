from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    name="banks.tasks.send_officer_invitation",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
)
def send_officer_invitation(invitation_id: int) -> bool:
    return services.officer_invitation_email(invitation_id=invitation_id)
