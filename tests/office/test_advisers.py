"""Financial advisers (金融顾问): the finance office pairs them; the adviser sees the enterprise's
needs and notices, nobody else does; the enterprise sees its adviser."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from core.errors import ServiceError
from enterprises.models import Adviser
from enterprises.services import adviser_assign, adviser_end
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser(officer_user):
    officer_user.phone = "13900001111"
    officer_user.last_name, officer_user.first_name = "王", "行长"
    officer_user.save()
    return officer_user


@pytest.fixture
def paired(finance_user, enterprise, adviser, enterprise_member):
    FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose="顾问可见的需求")
    FinancingNeedFactory(enterprise=enterprise, status="draft", purpose="尚未提交的草稿")
    Notice.objects.create(user=enterprise_member, title="企业收到的通知")
    return adviser_assign(
        actor=finance_user, enterprise=enterprise, user=adviser, since=timezone.localdate()
    )


def test_the_finance_office_pairs_through_the_page(
    web_as, finance_user, enterprise, adviser, enterprise_member
):
    response = csrf_post(
        web_as(finance_user),
        reverse("office:advisers"),
        {"enterprise": enterprise.pk, "user": adviser.pk, "since": "2026-11-01"},
    )
    assert response.status_code == 302
    pairing = Adviser.objects.get()
    assert (pairing.enterprise, pairing.user, pairing.since) == (
        enterprise,
        adviser,
        dt.date(2026, 11, 1),
    )
    assert Notice.objects.filter(user=enterprise_member, title__contains="王行长").exists()


def test_the_adviser_sees_the_needs_and_notices(paired, web_as, adviser, enterprise):
    web = web_as(adviser)
    assert enterprise.name in web.get(reverse("enterprises:advised_list")).content.decode()
    body = web.get(reverse("enterprises:advised_detail", args=[enterprise.pk])).content.decode()
    assert "顾问可见的需求" in body and "企业收到的通知" in body
    assert "尚未提交的草稿" not in body


@pytest.mark.parametrize(
    "persona", ["other_officer_user", "finance_user", "bureau_user", "other_enterprise_member"]
)
def test_anyone_else_sees_nothing_of_the_enterprise(request, paired, client, enterprise, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("enterprises:advised_detail", args=[enterprise.pk]))
    assert response.status_code in (403, 404)
    assert "顾问可见的需求" not in response.content.decode()
    listing = client.get(reverse("enterprises:advised_list"))
    assert enterprise.name not in listing.content.decode()


def test_an_ended_pairing_sees_nothing(paired, web_as, finance_user, adviser, enterprise):
    adviser_end(adviser=paired, actor=finance_user)
    response = web_as(adviser).get(reverse("enterprises:advised_detail", args=[enterprise.pk]))
    assert response.status_code == 404


def test_the_enterprise_sees_its_adviser(paired, web_as, enterprise_member):
    body = web_as(enterprise_member).get(reverse("enterprises:home")).content.decode()
    assert "您的金融顾问：王行长，电话 13900001111" in body


def test_only_the_finance_office_pairs(bureau_user, enterprise, adviser, web_as):
    with pytest.raises(ServiceError):
        adviser_assign(
            actor=bureau_user, enterprise=enterprise, user=adviser, since=dt.date.today()
        )
    web = web_as(bureau_user)
    body = web.get(reverse("office:advisers")).content.decode()
    assert 'id="adviser-form"' not in body
    csrf_post(
        web,
        reverse("office:advisers"),
        {"enterprise": enterprise.pk, "user": adviser.pk, "since": "2026-11-01"},
    )
    assert not Adviser.objects.exists()


def test_an_enterprise_member_cannot_be_an_adviser(
    finance_user, enterprise, other_enterprise_member
):
    with pytest.raises(ServiceError):
        adviser_assign(
            actor=finance_user,
            enterprise=enterprise,
            user=other_enterprise_member,
            since=dt.date.today(),
        )


def test_the_pairings_export_reads_back(paired, web_as, bureau_user, enterprise):
    import io

    from openpyxl import load_workbook

    response = web_as(bureau_user).get(reverse("office:advisers") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [(enterprise.name, "王行长", "13900001111")]


def test_a_pairing_dated_ahead_is_refused_and_the_form_defaults_to_today(
    web_as, finance_user, enterprise, adviser
):
    """Found walking the product: the date was required with no default, and a mistyped year
    (2099) was accepted."""
    web = web_as(finance_user)
    form = web.get(reverse("office:advisers")).context["form"]
    assert form["since"].value() == timezone.localdate()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = csrf_post(
        web,
        reverse("office:advisers"),
        {"enterprise": enterprise.pk, "user": adviser.pk, "since": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "结对日期不能晚于今天" in response.content.decode()
    assert not Adviser.objects.exists()
    with pytest.raises(ServiceError):
        adviser_assign(actor=finance_user, enterprise=enterprise, user=adviser, since=tomorrow)
