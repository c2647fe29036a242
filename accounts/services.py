from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notice, User


def notice_send(
    *, users: Iterable[User], title: str, body: str = "", url: str = ""
) -> list[Notice]:
    """Leave a notice in the portal for each person and queue its e-mail after commit."""
    notices = Notice.objects.bulk_create(
        [Notice(user=user, title=title, body=body, url=url) for user in users]
    )
    from .tasks import send_notice_email

    for notice in notices:
        if notice.user.email and notice.user.email_notifications:
            transaction.on_commit(lambda pk=notice.pk: send_notice_email.delay(pk))
    return notices


def notice_email_deliver(*, notice_id: int) -> bool:
    """Send one notice by e-mail, at most once even if the task runs twice.

    The conditional update claims the notice before sending; if the send fails the claim is
    released so a retry can send it.
    """
    claimed = Notice.objects.filter(pk=notice_id, emailed_at=None).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notice = Notice.objects.select_related("user").get(pk=notice_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            link = f"\n\n{settings.PORTAL_BASE_URL}{notice.url}" if notice.url else ""
            send_mail(
                subject=f"[{settings.PORTAL_NAME}] {notice.title}",
                message=f"{notice.body}{link}",
                from_email=None,
                recipient_list=[notice.user.email],
            )
    except Exception:
        Notice.objects.filter(pk=notice_id).update(emailed_at=None)
        raise
    return True


def notices_mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    qs = Notice.objects.filter(user=user, read_at=None)
    if notice_ids is not None:
        qs = qs.filter(pk__in=list(notice_ids))
    return qs.update(read_at=timezone.now())
