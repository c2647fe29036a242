import pytest
from django.urls import reverse

from accounts.models import Notice
from core.audit import audit_for_object
from core.errors import ServiceError
from enterprises.models import Enterprise
from enterprises.services import enterprise_reject, enterprise_update_profile, enterprise_verify
from tests.conftest import csrf_post
from tests.factories import EnterpriseMemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_member(db):
    return EnterpriseMemberFactory(enterprise__verification_status="pending").user


def _enterprise(user):
    return user.enterprise_membership.enterprise


def test_the_queue_lists_pending_enterprises(client, finance_user, pending_member):
    client.force_login(finance_user)
    response = client.get(reverse("office:verification_queue"))
    assert _enterprise(pending_member).name in response.content.decode()


def test_the_finance_office_approves(web_as, finance_user, pending_member):
    enterprise = _enterprise(pending_member)
    web = web_as(finance_user)
    url = reverse("office:verification_detail", args=[enterprise.pk])
    csrf_post(web, url, {"decision": "approve"})
    enterprise.refresh_from_db()
    assert enterprise.verification_status == Enterprise.VerificationStatus.VERIFIED
    event = audit_for_object(enterprise).get()
    assert (event.actor, event.from_state, event.to_state) == (finance_user, "pending", "verified")
    assert event.actor_role == "government:finance_office"
    assert event.ip_address == "127.0.0.1"
    assert Notice.objects.filter(user=pending_member, title="贵企业已通过核验").exists()


def test_rejection_needs_a_reason(web_as, finance_user, pending_member):
    enterprise = _enterprise(pending_member)
    web = web_as(finance_user)
    url = reverse("office:verification_detail", args=[enterprise.pk])
    response = csrf_post(web, url, {"decision": "reject", "reason": ""})
    assert "请填写不通过的原因" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.verification_status == Enterprise.VerificationStatus.PENDING


def test_rejection_with_a_reason_tells_the_enterprise(web_as, finance_user, pending_member):
    enterprise = _enterprise(pending_member)
    web = web_as(finance_user)
    url = reverse("office:verification_detail", args=[enterprise.pk])
    csrf_post(web, url, {"decision": "reject", "reason": "营业执照信息不符"})
    enterprise.refresh_from_db()
    assert enterprise.verification_status == Enterprise.VerificationStatus.REJECTED
    notice = Notice.objects.get(user=pending_member)
    assert "营业执照信息不符" in notice.body


def test_a_corrected_profile_goes_back_to_the_queue(web_as, pending_member):
    enterprise = _enterprise(pending_member)
    Enterprise.objects.filter(pk=enterprise.pk).update(verification_status="rejected")
    web = web_as(pending_member)
    csrf_post(
        web,
        reverse("enterprises:profile_edit"),
        {
            "legal_representative": "张三",
            "industry": "industry",
            "employees": "10",
            "revenue": "100",
            "total_assets": "50",
            "figures_as_of": "2025-12-31",
            "contact_name": "张三",
            "contact_phone": "13900000000",
        },
    )
    enterprise.refresh_from_db()
    assert enterprise.verification_status == Enterprise.VerificationStatus.PENDING
    assert enterprise.size_class == "micro"


def test_a_bureau_can_look_but_not_decide(web_as, bureau_user, pending_member):
    enterprise = _enterprise(pending_member)
    web = web_as(bureau_user)
    url = reverse("office:verification_detail", args=[enterprise.pk])
    assert web.get(url).status_code == 200
    csrf_post(web, url, {"decision": "approve"})
    enterprise.refresh_from_db()
    assert enterprise.verification_status == Enterprise.VerificationStatus.PENDING


@pytest.mark.parametrize("persona", ["enterprise_member", "officer_user", "outsider"])
def test_non_government_cannot_open_the_queue(request, client, persona, pending_member):
    client.force_login(request.getfixturevalue(persona))
    enterprise = _enterprise(pending_member)
    assert client.get(reverse("office:verification_queue")).status_code == 403
    assert (
        client.get(reverse("office:verification_detail", args=[enterprise.pk])).status_code == 403
    )
    assert (
        csrf_post(
            client,
            reverse("office:verification_detail", args=[enterprise.pk]),
            {"decision": "approve"},
        ).status_code
        == 403
    )


def test_government_staff_mark_key_projects(web_as, bureau_user):
    project = ProjectFactory()
    web = web_as(bureau_user)
    csrf_post(
        web,
        reverse("office:project_key_flag", args=[project.pk]),
        {"is_key": "1"},
        form_url=reverse("office:verification_detail", args=[project.enterprise_id]),
    )
    project.refresh_from_db()
    assert project.is_key_project


def test_an_enterprise_cannot_mark_its_own_key_project(client, enterprise_member, enterprise):
    project = ProjectFactory(enterprise=enterprise)
    client.force_login(enterprise_member)
    response = csrf_post(
        client, reverse("office:project_key_flag", args=[project.pk]), {"is_key": "1"}
    )
    assert response.status_code == 403
    # Nor through the project form: the flag is not one of its fields.
    csrf_post(
        client,
        reverse("enterprises:project_edit", args=[project.pk]),
        {"name": "新名", "total_investment": "100", "stage": "planning", "is_key_project": "on"},
    )
    project.refresh_from_db()
    assert not project.is_key_project


def test_verification_history_is_kept_not_overwritten(finance_user, pending_member):
    enterprise = _enterprise(pending_member)
    enterprise_reject(enterprise=enterprise, actor=finance_user, reason="营业执照模糊")
    enterprise_update_profile(enterprise=enterprise, actor=pending_member, data={"town": "清溪镇"})
    enterprise_verify(enterprise=enterprise, actor=finance_user)
    history = list(
        audit_for_object(enterprise).values_list("actor__username", "from_state", "to_state")
    )
    assert history == [
        ("zhoum", "pending", "rejected"),
        (pending_member.username, "rejected", "pending"),
        ("zhoum", "pending", "verified"),
    ]


def test_the_service_refuses_a_bureau_even_without_the_page(bureau_user, pending_member):
    enterprise = _enterprise(pending_member)
    with pytest.raises(ServiceError):
        enterprise_verify(enterprise=enterprise, actor=bureau_user)
    with pytest.raises(ServiceError):
        enterprise_reject(enterprise=enterprise, actor=bureau_user, reason="x")
    enterprise.refresh_from_db()
    assert enterprise.verification_status == Enterprise.VerificationStatus.PENDING
    assert not audit_for_object(enterprise).exists()
