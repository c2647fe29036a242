import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_for_object
from enterprises.models import FinancingNeed
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, InstitutionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _need_form(**overrides):
    data = {
        "amount": "123.45",
        "term_months": "24",
        "purpose": "购买原材料",
        "loan_kind": "new",
        "collateral": ["real_estate", "equipment"],
        "max_rate": "4.35",
        "needed_by": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "description": "订单增加",
        "visibility": "all_matched",
    }
    data.update(overrides)
    return data


def test_a_draft_is_saved_with_the_amount_converted_exactly(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    response = csrf_post(web, reverse("enterprises:need_create"), {**_need_form(), "save": "1"})
    need = FinancingNeed.objects.get(enterprise=enterprise)
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()
    assert need.status == FinancingNeed.Status.DRAFT
    assert need.amount == Decimal("1234500.00")
    assert need.collateral == ["real_estate", "equipment"]
    assert need.created_by == enterprise_member


def test_submitting_from_the_form_moves_it_to_submitted(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    csrf_post(web, reverse("enterprises:need_create"), {**_need_form(), "submit": "1"})
    need = FinancingNeed.objects.get(enterprise=enterprise)
    assert need.status == FinancingNeed.Status.SUBMITTED
    assert need.submitted_at is not None
    assert list(audit_for_object(need).values_list("to_state", flat=True)) == [
        "draft",
        "submitted",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "", "该字段是必填项"),
        ("amount", "-5", "确保该值大于或等于1"),
        ("amount", "0.0000001", "确保该值大于或等于1"),
        ("term_months", "400", "小于或等于360"),
        ("needed_by", "2020-01-01", "日期不能早于今天"),
        ("max_rate", "abc", "输入一个数字"),
        ("collateral", ["gold"], "不在可用的选项中"),
    ],
)
def test_bad_fields_get_chinese_messages_and_nothing_is_saved(
    web_as, enterprise_member, field, value, message
):
    web = web_as(enterprise_member)
    response = csrf_post(
        web, reverse("enterprises:need_create"), {**_need_form(**{field: value}), "save": "1"}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not FinancingNeed.objects.exists()
    # The rest of what was typed is still there.
    assert "购买原材料" in response.content.decode()


def test_chosen_visibility_needs_at_least_one_institution(web_as, enterprise_member):
    web = web_as(enterprise_member)
    response = csrf_post(
        web, reverse("enterprises:need_create"), {**_need_form(visibility="chosen"), "save": "1"}
    )
    assert "请至少选择一家金融机构" in " ".join(
        response.context["form"].errors["allowed_institutions"]
    )


def test_chosen_institutions_are_saved(web_as, enterprise_member, enterprise):
    bank = InstitutionFactory()
    web = web_as(enterprise_member)
    csrf_post(
        web,
        reverse("enterprises:need_create"),
        {**_need_form(visibility="chosen", allowed_institutions=[bank.pk]), "save": "1"},
    )
    need = FinancingNeed.objects.get(enterprise=enterprise)
    assert list(need.allowed_institutions.all()) == [bank]


def test_only_own_projects_can_be_linked(web_as, enterprise_member):
    foreign = ProjectFactory()
    web = web_as(enterprise_member)
    response = csrf_post(
        web, reverse("enterprises:need_create"), {**_need_form(project=foreign.pk), "save": "1"}
    )
    assert "project" in response.context["form"].errors


def test_editing_a_draft_then_submitting(web_as, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="draft")
    web = web_as(enterprise_member)
    csrf_post(
        web,
        reverse("enterprises:need_edit", args=[need.pk]),
        {**_need_form(amount="88"), "submit": "1"},
    )
    need.refresh_from_db()
    assert need.amount == Decimal("880000.00")
    assert need.status == FinancingNeed.Status.SUBMITTED


def test_a_signed_need_cannot_be_edited(web_as, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="signed")
    web = web_as(enterprise_member)
    response = csrf_post(
        web,
        reverse("enterprises:need_edit", args=[need.pk]),
        {**_need_form(), "save": "1"},
        form_url=need.get_absolute_url(),
        follow=True,
    )
    assert "不能再修改" in response.content.decode()
    need.refresh_from_db()
    assert need.amount == Decimal("2000000.00")


def test_withdrawing_records_the_step(web_as, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    web = web_as(enterprise_member)
    csrf_post(
        web, reverse("enterprises:need_withdraw", args=[need.pk]), form_url=need.get_absolute_url()
    )
    need.refresh_from_db()
    assert need.status == FinancingNeed.Status.WITHDRAWN
    assert audit_for_object(need).filter(to_state="withdrawn", actor=enterprise_member).exists()


def test_withdrawing_a_withdrawn_need_is_refused_clearly(web_as, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="withdrawn")
    web = web_as(enterprise_member)
    response = csrf_post(
        web,
        reverse("enterprises:need_withdraw", args=[need.pk]),
        form_url=need.get_absolute_url(),
        follow=True,
    )
    assert response.status_code == 200
    assert "不能从“已撤回”变更为“已撤回”" in response.content.decode()


def test_the_need_list_is_paginated_and_filtered(
    client, enterprise_member, enterprise, django_assert_max_num_queries
):
    FinancingNeedFactory.create_batch(25, enterprise=enterprise, status="draft")
    FinancingNeedFactory.create_batch(3, enterprise=enterprise, status="submitted")
    client.force_login(enterprise_member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:need_list"))
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.count == 28
    response = client.get(reverse("enterprises:need_list"), {"status": "submitted"})
    assert response.context["page"].paginator.count == 3


def test_the_need_page_shows_the_timeline(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    csrf_post(web, reverse("enterprises:need_create"), {**_need_form(), "submit": "1"})
    need = FinancingNeed.objects.get(enterprise=enterprise)
    body = web.get(need.get_absolute_url()).content.decode()
    assert "草稿" in body and "已提交" in body and str(enterprise_member) in body
