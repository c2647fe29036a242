from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    name="enterprises.tasks.send_invitation_email",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
)
def send_invitation_email(invitation_id: int) -> None:
    services.enterprise_invitation_email(invitation_id=invitation_id)
