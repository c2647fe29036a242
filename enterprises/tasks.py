from smtplib import SMTPException

from celery import shared_task

from .services import enterprise_invitation_email


@shared_task(
    name="enterprises.tasks.send_invitation_email",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
)
def send_invitation_email(invitation_id: int) -> None:
    enterprise_invitation_email(invitation_id=invitation_id)
