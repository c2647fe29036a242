"""Notices in the portal and by e-mail: queued after commit, sent by a real worker over SMTP."""

from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Notice
from accounts.services import notice_email_deliver
from enterprises.models import EnterpriseInvitation, EnterpriseMembership
from enterprises.services import (
    enterprise_invitation_email,
    enterprise_invite_colleague,
    financing_need_transition,
)
from tests.conftest import csrf_post, run_outbox, wait_for
from tests.factories import EnterpriseMemberFactory, FinancingNeedFactory


@pytest.mark.django_db
def test_a_status_change_leaves_a_notice_for_the_other_members(
    enterprise_member, enterprise, finance_user
):
    colleague = EnterpriseMemberFactory(enterprise=enterprise, is_admin=False).user
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    financing_need_transition(need=need, to_status="in_progress", actor=finance_user)
    titles = set(
        Notice.objects.filter(user__in=[enterprise_member, colleague]).values_list(
            "title", flat=True
        )
    )
    assert titles == {f"融资需求“{need.purpose}”：对接中"}
    assert Notice.objects.filter(user=colleague).count() == 1


@pytest.mark.django_db
def test_the_actor_is_not_notified_of_their_own_move(enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="draft")
    financing_need_transition(need=need, to_status="submitted", actor=enterprise_member)
    assert not Notice.objects.filter(user=enterprise_member).exists()


@pytest.mark.django_db
def test_the_mail_goes_out_when_the_queued_task_runs(enterprise_member, enterprise, finance_user):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    financing_need_transition(need=need, to_status="in_progress", actor=finance_user)
    assert mail.outbox == []  # nothing is sent inside the change itself
    run_outbox()
    assert [m.to for m in mail.outbox] == [[enterprise_member.email]]
    assert mail.outbox[0].subject.endswith(f"融资需求“{need.purpose}”：对接中")


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_sends_no_mail(enterprise_member, enterprise, finance_user):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        financing_need_transition(need=need, to_status="in_progress", actor=finance_user)
        raise Undo
    assert run_outbox() == 0
    assert mail.outbox == []
    assert not Notice.objects.filter(user=enterprise_member).exists()


@pytest.mark.django_db
def test_sending_a_notice_twice_sends_one_mail(enterprise_member):
    notice = Notice.objects.create(user=enterprise_member, title="测试通知")
    assert notice_email_deliver(notice_id=notice.pk) is True
    assert notice_email_deliver(notice_id=notice.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [enterprise_member.email]


@pytest.mark.django_db
def test_e_mail_switch_off_keeps_the_portal_notice(enterprise_member, enterprise, finance_user):
    enterprise_member.email_notifications = False
    enterprise_member.save()
    colleague = EnterpriseMemberFactory(
        enterprise=enterprise, is_admin=False, user__email="colleague@example.cn"
    ).user
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    financing_need_transition(need=need, to_status="in_progress", actor=finance_user)
    run_outbox()
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert Notice.objects.filter(user=enterprise_member).count() == 1


@pytest.mark.django_db
def test_the_preferences_page_turns_e_mail_off(web_as, enterprise_member):
    web = web_as(enterprise_member)
    csrf_post(web, reverse("accounts:preferences"), {"email": enterprise_member.email, "phone": ""})
    enterprise_member.refresh_from_db()
    assert enterprise_member.email_notifications is False


def test_a_submitted_need_mails_through_a_real_worker_and_smtp(
    celery_worker, smtp_server, web_as, enterprise_member, enterprise, finance_user
):
    colleague = EnterpriseMemberFactory(
        enterprise=enterprise, is_admin=False, user__email="colleague@example.cn"
    ).user
    need = FinancingNeedFactory(enterprise=enterprise, status="draft")
    web = web_as(enterprise_member)
    csrf_post(
        web, reverse("enterprises:need_submit", args=[need.pk]), form_url=need.get_absolute_url()
    )
    assert wait_for(lambda: len(smtp_server) >= 1)
    message = smtp_server[0]
    assert message["To"] == colleague.email
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject.endswith(f"融资需求“{need.purpose}”：已提交")
    assert Notice.objects.get(user=colleague).emailed_at is not None


@pytest.mark.django_db
def test_an_invitation_mails_a_link_once_and_lets_the_colleague_join(
    client, enterprise_member, enterprise
):
    invitation = enterprise_invite_colleague(
        enterprise=enterprise, actor=enterprise_member, email="new@example.cn"
    )
    enterprise_invitation_email(invitation_id=invitation.pk)
    enterprise_invitation_email(invitation_id=invitation.pk)
    assert len(mail.outbox) == 1
    link = reverse("enterprises:invitation_accept", args=[invitation.token])
    assert link in mail.outbox[0].body
    response = csrf_post(
        client,
        link,
        {
            "account-username": "newbie",
            "account-full_name": "赵新",
            "account-phone": "13700000000",
            "account-email": "new@example.cn",
            "account-password1": "Qingxi-2026-safe",
            "account-password2": "Qingxi-2026-safe",
        },
    )
    assert response.status_code == 302
    membership = EnterpriseMembership.objects.get(user__username="newbie")
    assert membership.enterprise == enterprise and not membership.is_admin
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    # The link works once.
    client.logout()
    again = csrf_post(client, link, {"account-username": "other"})
    assert (
        again.status_code == 200
        and not EnterpriseMembership.objects.filter(user__username="other").exists()
    )


@pytest.mark.django_db
def test_an_expired_invitation_is_refused(client, enterprise_member, enterprise):
    from django.utils import timezone

    invitation = enterprise_invite_colleague(
        enterprise=enterprise, actor=enterprise_member, email="late@example.cn"
    )
    EnterpriseInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = csrf_post(
        client,
        reverse("enterprises:invitation_accept", args=[invitation.token]),
        {
            "account-username": "late",
            "account-full_name": "迟到",
            "account-phone": "13700000001",
            "account-email": "late@example.cn",
            "account-password1": "Qingxi-2026-safe",
            "account-password2": "Qingxi-2026-safe",
        },
    )
    assert "已过期" in response.content.decode()
    assert not EnterpriseMembership.objects.filter(user__username="late").exists()
