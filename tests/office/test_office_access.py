"""The finance office's doors, tried by every other persona."""

import pytest
from django.urls import reverse

from accounts.models import Notice
from tests.conftest import csrf_post, send
from tests.factories import EnterpriseFactory, LoanProductFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting():
    """What the finance office's pages must show: a product and an enterprise awaiting review."""
    return {
        "product": LoanProductFactory(status="submitted", name="待审科创贷"),
        "enterprise": EnterpriseFactory(verification_status="pending", name="待核验材料有限公司"),
    }


@pytest.fixture
def doors(waiting):
    product, enterprise = waiting["product"], waiting["enterprise"]
    project = ProjectFactory()
    return [
        ("get", reverse("office:office_home")),
        ("get", reverse("office:verification_queue")),
        ("get", reverse("office:verification_detail", args=[enterprise.pk])),
        ("post", reverse("office:project_key_flag", args=[project.pk])),
        ("get", reverse("office:product_review_queue")),
        ("get", reverse("office:product_review", args=[product.pk])),
        ("post", reverse("office:product_review", args=[product.pk])),
        ("get", reverse("office:scoring_policy")),
    ]


@pytest.mark.parametrize("persona", ["enterprise_member", "officer_user", "outsider"])
def test_other_roles_are_refused(request, client, doors, persona):
    client.force_login(request.getfixturevalue(persona))
    for method, url in doors:
        assert send(client, method, url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_login(client, doors):
    for method, url in doors:
        response = send(client, method, url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )


def test_the_finance_office_opens_every_page(client, finance_user, doors, waiting):
    client.force_login(finance_user)
    shows = {
        reverse("office:verification_queue"): waiting["enterprise"].name,
        reverse("office:verification_detail", args=[waiting["enterprise"].pk]): waiting[
            "enterprise"
        ].name,
        reverse("office:product_review_queue"): waiting["product"].name,
        reverse("office:product_review", args=[waiting["product"].pk]): waiting["product"].name,
        reverse("office:scoring_policy"): "最低分",
    }
    for method, url in doors:
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url
            assert shows.get(url, "") in response.content.decode(), url


def test_a_publishing_decision_through_the_page(client, finance_user, officer_user, institution):
    product = LoanProductFactory(institution=institution, status="submitted")
    client.force_login(finance_user)
    response = csrf_post(
        client,
        reverse("office:product_review", args=[product.pk]),
        {"decision": "return", "note": ""},
    )
    assert "请写明需要机构修改的内容" in response.content.decode()
    csrf_post(client, reverse("office:product_review", args=[product.pk]), {"decision": "publish"})
    product.refresh_from_db()
    assert product.status == "published"


def test_people_see_only_their_own_notices(client, enterprise_member, other_enterprise_member):
    Notice.objects.create(user=enterprise_member, title="我的通知")
    Notice.objects.create(user=other_enterprise_member, title="别人的通知")
    client.force_login(enterprise_member)
    body = client.get(reverse("accounts:notices")).content.decode()
    assert "我的通知" in body and "别人的通知" not in body
    csrf_post(client, reverse("accounts:notices_read"))
    assert Notice.objects.get(title="别人的通知").read_at is None
    assert Notice.objects.get(title="我的通知").read_at is not None


def test_notices_need_a_login(client):
    assert client.get(reverse("accounts:notices")).status_code == 302
    assert csrf_post(client, reverse("accounts:notices_read")).status_code == 302
