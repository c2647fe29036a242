"""Every enterprise door, tried by the owner and by each outsider persona."""

import pytest
from django.urls import reverse

from tests.conftest import csrf_post, send
from tests.factories import FinancingNeedFactory, InstitutionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

OBJECT_PAGES = [
    ("enterprises:need_detail", "need", "get"),
    ("enterprises:need_edit", "need", "get"),
    ("enterprises:need_submit", "need", "post"),
    ("enterprises:need_withdraw", "need", "post"),
    ("enterprises:project_edit", "project", "get"),
    ("enterprises:project_archive", "project", "post"),
]
PLAIN_PAGES = [
    "enterprises:home",
    "enterprises:profile_edit",
    "enterprises:members",
    "enterprises:projects",
    "enterprises:project_create",
    "enterprises:need_list",
    "enterprises:need_create",
]


@pytest.fixture
def owned(enterprise):
    return {
        "need": FinancingNeedFactory(enterprise=enterprise, status="draft"),
        "project": ProjectFactory(enterprise=enterprise),
    }


def _url(name, kind, owned):
    return reverse(name, args=[owned[kind].pk])


# What the owner gets at each door: the page with the object on it, or the change done.
OWNER_PAGES = [
    ("enterprises:need_detail", "need"),
    ("enterprises:need_edit", "need"),
    ("enterprises:project_edit", "project"),
]
OWNER_ACTIONS = [
    ("enterprises:need_submit", "need", "status", "submitted"),
    ("enterprises:need_withdraw", "need", "status", "withdrawn"),
]


@pytest.mark.parametrize(("name", "kind"), OWNER_PAGES)
def test_the_owner_opens_each_object_page(client, enterprise_member, owned, name, kind):
    client.force_login(enterprise_member)
    response = client.get(_url(name, kind, owned))
    assert response.status_code == 200
    shown = owned["need"].purpose if kind == "need" else owned["project"].name
    assert shown in response.content.decode()


@pytest.mark.parametrize(("name", "kind", "field", "after"), OWNER_ACTIONS)
def test_the_owner_acts_at_each_need_door(
    client, enterprise_member, owned, name, kind, field, after
):
    client.force_login(enterprise_member)
    response = csrf_post(client, _url(name, kind, owned))
    assert (response.status_code, response["Location"]) == (302, owned["need"].get_absolute_url())
    owned["need"].refresh_from_db()
    assert getattr(owned["need"], field) == after


def test_the_owner_archives_a_project(client, enterprise_member, owned):
    client.force_login(enterprise_member)
    response = csrf_post(client, _url("enterprises:project_archive", "project", owned))
    assert (response.status_code, response["Location"]) == (302, reverse("enterprises:projects"))
    owned["project"].refresh_from_db()
    assert owned["project"].archived_at is not None


@pytest.mark.parametrize(("name", "kind", "method"), OBJECT_PAGES)
def test_another_enterprise_gets_404_and_changes_nothing(
    client, other_enterprise_member, owned, name, kind, method
):
    client.force_login(other_enterprise_member)
    response = send(client, method, _url(name, kind, owned))
    assert response.status_code == 404
    owned["need"].refresh_from_db()
    assert owned["need"].status == "draft"
    owned["project"].refresh_from_db()
    assert owned["project"].archived_at is None


@pytest.mark.parametrize(("name", "kind", "method"), OBJECT_PAGES)
@pytest.mark.parametrize("persona", ["officer_user", "finance_user", "outsider"])
def test_other_roles_are_refused_at_object_doors(
    request, client, owned, persona, name, kind, method
):
    client.force_login(request.getfixturevalue(persona))
    assert send(client, method, _url(name, kind, owned)).status_code == 403


@pytest.mark.parametrize(("name", "kind", "method"), OBJECT_PAGES)
def test_anonymous_visitors_are_sent_to_login_at_object_doors(client, owned, name, kind, method):
    response = send(client, method, _url(name, kind, owned))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PLAIN_PAGES)
@pytest.mark.parametrize("persona", ["officer_user", "finance_user", "outsider"])
def test_other_roles_are_refused_at_plain_pages(request, client, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PLAIN_PAGES)
def test_members_open_their_plain_pages(client, enterprise_member, name):
    client.force_login(enterprise_member)
    assert client.get(reverse(name)).status_code == 200


def test_revoking_another_enterprises_need_is_404(client, other_enterprise_member, owned):
    bank = InstitutionFactory()
    client.force_login(other_enterprise_member)
    url = reverse("enterprises:need_revoke_access", args=[owned["need"].pk, bank.pk])
    assert csrf_post(client, url).status_code == 404
    assert not owned["need"].revocations.exists()


def test_the_need_page_of_another_enterprise_shows_nothing_of_it(
    client, other_enterprise_member, owned
):
    client.force_login(other_enterprise_member)
    response = client.get(reverse("enterprises:need_list"))
    assert owned["need"].purpose not in response.content.decode()


def test_a_plain_member_cannot_invite(client, enterprise, db):
    from tests.factories import EnterpriseMemberFactory

    member = EnterpriseMemberFactory(enterprise=enterprise, is_admin=False).user
    client.force_login(member)
    response = csrf_post(client, reverse("enterprises:members"), {"email": "x@example.cn"})
    assert response.status_code == 404
    assert not enterprise.invitations.exists()


def test_only_the_enterprise_admin_removes_colleagues(client, enterprise_member, enterprise):
    from tests.factories import EnterpriseMemberFactory

    colleague = EnterpriseMemberFactory(enterprise=enterprise, is_admin=False).user
    client.force_login(colleague)
    csrf_post(client, reverse("enterprises:member_remove", args=[enterprise_member.pk]))
    enterprise_member.refresh_from_db()
    assert enterprise_member.is_active
    client.force_login(enterprise_member)
    csrf_post(client, reverse("enterprises:member_remove", args=[colleague.pk]))
    colleague.refresh_from_db()
    assert not colleague.is_active and not enterprise.members.filter(user=colleague).exists()


def test_another_enterprise_cannot_remove_a_member(
    client, other_enterprise_member, enterprise_member
):
    client.force_login(other_enterprise_member)
    response = csrf_post(client, reverse("enterprises:member_remove", args=[enterprise_member.pk]))
    assert response.status_code == 404
    enterprise_member.refresh_from_db()
    assert enterprise_member.is_active


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_enterprise_member", 404), ("officer_user", 403), ("outsider", 403)],
)
def test_outsiders_cannot_answer_for_a_declined_need(request, client, enterprise, persona, status):
    need = FinancingNeedFactory(enterprise=enterprise, status="all_declined")
    client.force_login(request.getfixturevalue(persona))
    response = csrf_post(
        client, reverse("enterprises:need_after_declines", args=[need.pk]), {"answer": "close"}
    )
    assert response.status_code == status
    need.refresh_from_db()
    assert need.status == "all_declined"


def test_the_enterprise_closes_a_declined_need(client, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="all_declined")
    client.force_login(enterprise_member)
    csrf_post(
        client, reverse("enterprises:need_after_declines", args=[need.pk]), {"answer": "close"}
    )
    need.refresh_from_db()
    assert need.status == "closed"


def test_each_of_two_needs_opens_on_its_own_page(client, enterprise_member, enterprise):
    first = FinancingNeedFactory(enterprise=enterprise, purpose="购买原材料")
    second = FinancingNeedFactory(enterprise=enterprise, purpose="设备更新改造")
    client.force_login(enterprise_member)
    for need, other in ((first, second), (second, first)):
        response = client.get(reverse("enterprises:need_detail", args=[need.pk]))
        assert response.context["need"] == need
        assert other.purpose not in response.content.decode()
