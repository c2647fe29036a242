"""Item 8 of issue 9: the enterprise answers an officer's request for information on its need
page; the officer is told and the lead goes back to contacted, audited."""

import pytest
from django.urls import reverse

from accounts.models import Notice
from core.audit import audit_for_object
from leads.models import Lead
from leads.services import (
    ServiceError,
    lead_claim,
    lead_enterprise_reply,
    lead_record_contact,
    lead_request_info,
)
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, LeadFactory

pytestmark = pytest.mark.django_db

ASKED = "请补充近三年财务报表"
REPLY = "报表已整理好，明天送到支行。"


@pytest.fixture
def officer(officer_user):
    return officer_user.officer


@pytest.fixture
def lead(officer, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    lead = LeadFactory(need=need, institution=officer.institution)
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer)
    lead_request_info(lead=lead, officer=officer, note=ASKED)
    return lead


def test_a_reply_moves_the_lead_back_and_reaches_the_officer(lead, officer_user, enterprise_member):
    lead_enterprise_reply(lead=lead, actor=enterprise_member, text=REPLY)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    notice = Notice.objects.get(user=officer_user, body=REPLY)
    assert notice.url == reverse("banks:lead_detail", args=[lead.pk])
    last = audit_for_object(lead).order_by("-id").first()
    assert (last.actor, last.from_state, last.to_state) == (
        enterprise_member,
        Lead.Status.INFO_REQUESTED,
        Lead.Status.CONTACTED,
    )
    assert REPLY in last.note


def test_a_reply_is_refused_unless_information_was_requested(lead, enterprise_member):
    lead_enterprise_reply(lead=lead, actor=enterprise_member, text=REPLY)
    with pytest.raises(ServiceError):
        lead_enterprise_reply(lead=lead, actor=enterprise_member, text="再补充一点")
    assert audit_for_object(lead).filter(to_state=Lead.Status.CONTACTED).count() == 2


def test_an_empty_reply_is_refused_on_its_field(lead, enterprise_member):
    with pytest.raises(ServiceError) as refused:
        lead_enterprise_reply(lead=lead, actor=enterprise_member, text="  ")
    assert refused.value.field == "text"
    lead.refresh_from_db()
    assert lead.status == Lead.Status.INFO_REQUESTED


@pytest.mark.parametrize(
    "persona", ["other_enterprise_member", "officer_user", "finance_user", "outsider"]
)
def test_only_members_of_the_enterprise_may_reply(lead, persona, request):
    with pytest.raises(ServiceError):
        lead_enterprise_reply(lead=lead, actor=request.getfixturevalue(persona), text=REPLY)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.INFO_REQUESTED


def test_the_need_page_shows_the_request_and_takes_the_reply(web_as, enterprise_member, lead):
    web = web_as(enterprise_member)
    page = web.get(lead.need.get_absolute_url()).content.decode()
    assert ASKED in page and f'id="reply-{lead.pk}"' in page
    response = csrf_post(
        web, reverse("enterprises:need_reply", args=[lead.need.pk, lead.pk]), {"text": REPLY}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    assert f'id="reply-{lead.pk}"' not in web.get(lead.need.get_absolute_url()).content.decode()


def test_another_enterprise_cannot_reach_the_reply_door(web_as, other_enterprise_member, lead):
    web = web_as(other_enterprise_member)
    response = csrf_post(
        web,
        reverse("enterprises:need_reply", args=[lead.need.pk, lead.pk]),
        {"text": REPLY},
        form_url=reverse("enterprises:home"),
    )
    assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.status == Lead.Status.INFO_REQUESTED
