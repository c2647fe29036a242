import pytest
from django.core import mail
from django.urls import reverse

from banks.models import Officer, OfficerInvitation
from banks.services import officer_invitation_email
from leads.models import Lead
from tests.conftest import csrf_post
from tests.factories import LeadFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_an_admin_invites_an_officer_who_then_joins(web_as, institution_admin, institution):
    from django.test import Client

    web = web_as(institution_admin)
    csrf_post(
        web,
        reverse("banks:officer_list"),
        {"email": "newofficer@example-bank.cn", "role": "officer"},
    )
    invitation = OfficerInvitation.objects.get(institution=institution)
    assert officer_invitation_email(invitation_id=invitation.pk) is True
    assert officer_invitation_email(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
    link = reverse("banks:invitation_accept", args=[invitation.token])
    assert link in mail.outbox[0].body
    invitee = Client(enforce_csrf_checks=True)  # the new officer's own browser
    response = csrf_post(
        invitee,
        link,
        {
            "account-username": "newofficer",
            "account-full_name": "钱经理",
            "account-phone": "13600000000",
            "account-email": "newofficer@example-bank.cn",
            "account-password1": "Qingxi-2026-safe",
            "account-password2": "Qingxi-2026-safe",
        },
    )
    assert response.status_code == 302
    officer = Officer.objects.get(user__username="newofficer")
    assert officer.institution == institution and officer.role == "officer"
    assert officer.user.role == "officer"


def test_an_admin_changes_roles_but_not_their_own(web_as, institution_admin, officer_user):
    web = web_as(institution_admin)
    colleague = officer_user.officer
    csrf_post(
        web,
        reverse("banks:officer_role", args=[colleague.pk]),
        {"role": "admin"},
        form_url=reverse("banks:officer_list"),
    )
    colleague.refresh_from_db()
    assert colleague.role == "admin"
    me = institution_admin.officer
    response = csrf_post(
        web, reverse("banks:officer_role", args=[me.pk]), {"role": "officer"}, follow=True
    )
    me.refresh_from_db()
    assert me.role == "admin"
    assert "不能取消自己的管理员角色" in response.content.decode()


def test_removing_an_officer_frees_their_leads_and_their_login(
    web_as, institution_admin, officer_user, institution
):
    lead = LeadFactory(institution=institution, status="claimed", assigned_to=officer_user.officer)
    web = web_as(institution_admin)
    csrf_post(
        web,
        reverse("banks:officer_remove", args=[officer_user.officer.pk]),
        form_url=reverse("banks:officer_list"),
    )
    lead.refresh_from_db()
    officer_user.refresh_from_db()
    assert lead.assigned_to is None and lead.status == Lead.Status.CLAIMED
    assert officer_user.is_active is False


def test_an_admin_cannot_touch_another_institutions_officer(
    web_as, institution_admin, other_officer_user
):
    web = web_as(institution_admin)
    other = other_officer_user.officer
    response = csrf_post(
        web,
        reverse("banks:officer_remove", args=[other.pk]),
        form_url=reverse("banks:officer_list"),
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_a_removed_officer_is_refused_everywhere(client, institution):
    officer = OfficerFactory(institution=institution, is_active=False)
    client.force_login(officer.user)
    assert client.get(reverse("banks:lead_list")).status_code == 403
