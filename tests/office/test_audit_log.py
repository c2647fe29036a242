"""Government staff search the audit log; nobody else opens it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from tests.factories import FinancingNeedFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(officer_user, enterprise_member):
    need = FinancingNeedFactory(purpose="新建厂房贷款")
    lead = LeadFactory(need=need)
    return (
        audit_record(obj=need, action="status", actor=enterprise_member, to_state="submitted"),
        audit_record(
            obj=lead, action="status", actor=officer_user, to_state="claimed", thread=need
        ),
        audit_record(obj=lead, action="status", to_state="closed", note="系统关闭", thread=need),
    )


@pytest.mark.parametrize("persona", ["finance_user", "bureau_user"])
def test_government_staff_see_every_event(request, client, events, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("office:audit_log"))
    assert page.status_code == 200
    assert {e.pk for e in page.context["page"].object_list} == {e.pk for e in events}


def test_searching_by_actor_narrows_the_list(client, finance_user, events, officer_user):
    client.force_login(finance_user)
    page = client.get(reverse("office:audit_log"), {"actor": officer_user.username})
    assert [e.pk for e in page.context["page"].object_list] == [events[1].pk]


def test_searching_by_object_narrows_the_list(client, finance_user, events):
    client.force_login(finance_user)
    need_event = events[0]
    page = client.get(
        reverse("office:audit_log"),
        {"object_type": need_event.content_type_id, "object_id": need_event.object_id},
    )
    assert [e.pk for e in page.context["page"].object_list] == [need_event.pk]


def test_searching_by_date_uses_the_local_day(client, finance_user, events):
    client.force_login(finance_user)
    today = timezone.localdate()
    page = client.get(reverse("office:audit_log"), {"date_to": str(today - dt.timedelta(days=1))})
    assert list(page.context["page"].object_list) == []
    page = client.get(reverse("office:audit_log"), {"date_from": str(today)})
    assert len(page.context["page"].object_list) == 3


def test_a_reversed_date_range_is_explained_not_a_server_error(client, finance_user, events):
    client.force_login(finance_user)
    page = client.get(
        reverse("office:audit_log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert page.status_code == 200
    assert "截止日期不能早于起始日期。" in page.content.decode()


def test_system_events_show_as_system(client, finance_user, events):
    client.force_login(finance_user)
    body = client.get(reverse("office:audit_log")).content.decode()
    assert "系统关闭" in body and "系统" in body


@pytest.mark.parametrize("persona", ["enterprise_member", "officer_user", "outsider"])
def test_others_are_refused(request, client, events, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("office:audit_log")).status_code == 403


def test_anonymous_visitors_go_to_login(client):
    response = client.get(reverse("office:audit_log"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
