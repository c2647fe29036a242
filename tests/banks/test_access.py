"""Every officer door tried by the owner, another institution's officer and other personas."""

import pytest
from django.urls import reverse

from enterprises.models import NeedAccessLog
from enterprises.services import financing_need_revoke_access
from tests.conftest import csrf_post, send
from tests.factories import (
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    LeadFactory,
    LoanProductFactory,
)

pytestmark = pytest.mark.django_db

LEAD_DOORS = [
    ("banks:lead_detail", "get", {}),
    ("banks:lead_claim", "post", {}),
    ("banks:lead_assign", "post", {}),
    ("banks:lead_decline", "post", {"reason": "other", "note": "x"}),
    ("banks:lead_sign", "post", {}),
]
PRODUCT_DOORS = [
    ("banks:product_edit", "get"),
    ("banks:product_submit", "post"),
    ("banks:product_retire", "post"),
]
PLAIN = [
    "banks:home",
    "banks:lead_list",
    "banks:matched_needs",
    "banks:product_list",
    "banks:product_create",
    "banks:officer_list",
]


@pytest.fixture
def lead(institution):
    return LeadFactory(institution=institution)


@pytest.fixture
def product(institution):
    return LoanProductFactory(institution=institution, status="draft")


@pytest.mark.parametrize(("name", "method", "data"), LEAD_DOORS)
def test_another_institution_gets_404_on_lead_doors(
    client, other_officer_user, lead, name, method, data
):
    client.force_login(other_officer_user)
    assert send(client, method, reverse(name, args=[lead.pk]), data).status_code == 404
    lead.refresh_from_db()
    assert lead.status == "new"


@pytest.mark.parametrize(("name", "method", "data"), LEAD_DOORS)
@pytest.mark.parametrize("persona", ["enterprise_member", "finance_user", "outsider"])
def test_other_roles_are_refused_at_lead_doors(request, client, persona, lead, name, method, data):
    client.force_login(request.getfixturevalue(persona))
    assert send(client, method, reverse(name, args=[lead.pk]), data).status_code == 403


@pytest.mark.parametrize(("name", "method", "data"), LEAD_DOORS)
def test_anonymous_visitors_go_to_login_at_lead_doors(client, lead, name, method, data):
    response = send(client, method, reverse(name, args=[lead.pk]), data)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


@pytest.mark.parametrize(("name", "method"), PRODUCT_DOORS)
def test_another_institution_gets_404_on_product_doors(
    client, other_officer_user, product, name, method
):
    client.force_login(other_officer_user)
    assert send(client, method, reverse(name, args=[product.pk])).status_code == 404
    product.refresh_from_db()
    assert product.status == "draft"


@pytest.mark.parametrize("name", PLAIN)
@pytest.mark.parametrize("persona", ["enterprise_member", "finance_user", "outsider"])
def test_other_roles_are_refused_at_officer_pages(request, client, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PLAIN)
def test_officers_open_their_pages(client, officer_user, name):
    client.force_login(officer_user)
    assert client.get(reverse(name)).status_code == 200


def test_the_inbox_lists_only_the_institutions_leads(client, officer_user, lead):
    foreign = LeadFactory()
    client.force_login(officer_user)
    leads = list(client.get(reverse("banks:lead_list")).context["page"].object_list)
    assert leads == [lead] and foreign not in leads


def test_the_product_list_shows_only_the_institutions_products(client, officer_user, institution):
    own = LoanProductFactory(institution=institution, name="本行科创贷", status="draft")
    LoanProductFactory(name="他行专属贷", status="published")
    client.force_login(officer_user)
    response = client.get(reverse("banks:product_list"))
    assert list(response.context["products"]) == [own]
    body = response.content.decode()
    assert "本行科创贷" in body and "他行专属贷" not in body


def test_every_officer_read_is_recorded(client, officer_user, lead):
    client.force_login(officer_user)
    client.get(reverse("banks:lead_detail", args=[lead.pk]))
    client.get(reverse("banks:lead_detail", args=[lead.pk]))
    assert NeedAccessLog.objects.filter(need=lead.need, user=officer_user).count() == 2


def test_a_revoked_need_disappears_from_the_officers_view(
    client, officer_user, lead, enterprise_member
):
    member = EnterpriseMemberFactory(enterprise=lead.need.enterprise).user
    financing_need_revoke_access(need=lead.need, institution=lead.institution, actor=member)
    client.force_login(officer_user)
    assert client.get(reverse("banks:lead_detail", args=[lead.pk])).status_code == 404
    assert lead not in client.get(reverse("banks:lead_list")).context["page"].object_list
    assert not NeedAccessLog.objects.exists()


def test_a_plain_officer_cannot_invite_or_change_roles(client, officer_user, institution_admin):
    client.force_login(officer_user)
    assert (
        csrf_post(
            client, reverse("banks:officer_list"), {"email": "x@example.cn", "role": "officer"}
        ).status_code
        == 404
    )
    admin_officer = institution_admin.officer
    csrf_post(client, reverse("banks:officer_role", args=[admin_officer.pk]), {"role": "officer"})
    admin_officer.refresh_from_db()
    assert admin_officer.role == "admin"


def test_a_need_without_consent_cannot_be_taken(client, officer_user):
    need = FinancingNeedFactory(status="submitted", visibility="chosen")
    client.force_login(officer_user)
    response = csrf_post(client, reverse("banks:need_take", args=[need.pk]), follow=True)
    assert "企业未授权贵机构查看此需求" in response.content.decode()
    assert not need.leads.exists()


@pytest.mark.parametrize("persona", ["enterprise_member", "finance_user", "outsider"])
def test_only_officers_take_matched_needs(request, client, persona):
    need = FinancingNeedFactory(status="submitted")
    client.force_login(request.getfixturevalue(persona))
    assert csrf_post(client, reverse("banks:need_take", args=[need.pk])).status_code == 403
    assert not need.leads.exists()


def test_an_admin_cannot_change_the_role_of_another_institution_s_officer(
    client, institution_admin, other_officer_user
):
    client.force_login(institution_admin)
    foreign = other_officer_user.officer
    response = csrf_post(
        client, reverse("banks:officer_role", args=[foreign.pk]), {"role": "admin"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == "officer"
