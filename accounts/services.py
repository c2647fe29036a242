import datetime as dt
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from core.errors import ServiceError

from . import tasks
from .models import Notice, User
from .notice_counts import unread_notice_counts_forget

INVITATION_DAYS = 14


def user_create(
    *, username: str, password: str, full_name: str, phone: str, email: str, role: str
) -> User:
    """A new person's account. Raises ``ServiceError`` if the username was taken meanwhile."""
    full_name = full_name.strip()
    user = User(
        username=username,
        email=email,
        phone=phone,
        last_name=full_name[:1],
        first_name=full_name[1:],
        role=role,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ServiceError(_("This username is taken."), field="username") from None
    return user


def invitation_create(*, model, invited_by: User, email: str, **fields):
    """An invitation row (of an Invitation subclass) whose e-mail is queued after commit."""
    return model.objects.create(
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        **fields,
    )


def invitation_deliver(*, model, invitation_id: int, compose: Callable) -> bool:
    """E-mail an invitation at most once, even if the task runs twice.

    ``compose(invitation)`` returns (subject, body). The row is claimed before sending and the
    claim released if sending fails, so a retry sends it.
    """
    claimed = model.objects.filter(pk=invitation_id, sent_at=None, accepted_at=None).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    invitation = model.objects.get(pk=invitation_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = compose(invitation)
            send_mail(
                subject=subject, message=body, from_email=None, recipient_list=[invitation.email]
            )
    except Exception:
        model.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


@transaction.atomic
def invitation_accept(*, model, token: str, role: str, **account) -> tuple[User, object]:
    """Create the invitee's account from a valid invitation and mark it used."""
    invitation = model.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise ServiceError(_("This invitation is no longer valid."))
    if invitation.expires_at < timezone.now():
        raise ServiceError(_("This invitation has expired. Ask for a new one."))
    user = user_create(role=role, **account)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user, invitation


def notice_send(
    *, users: Iterable[User], title: str, body: str = "", url: str = ""
) -> list[Notice]:
    """Leave a notice in the portal for each person and queue its e-mail after commit."""
    return notices_send(
        notices=[Notice(user=user, title=title, body=body, url=url) for user in users]
    )


def notices_send(
    *, notices: Iterable[Notice], email_if: Callable[[User], bool] | None = None
) -> list[Notice]:
    """Leave many notices (each its own text) in one INSERT; e-mail those whose person wants
    e-mail and, when ``email_if`` is given, for whom it says yes."""
    notices = Notice.objects.bulk_create(list(notices))
    unread_notice_counts_forget(n.user_id for n in notices)
    for notice in notices:
        user = notice.user
        if user.email and user.email_notifications and (email_if is None or email_if(user)):
            outbox.enqueue(tasks.send_notice_email.name, notice.pk)
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
    unread_notice_counts_forget([user.pk])
    return qs.update(read_at=timezone.now())
