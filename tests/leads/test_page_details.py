"""Item 13 of issue 9: the first-contact deadline shows only while it matters; product and
project forms have a page title; /favicon.ico answers."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from leads.services import lead_claim, lead_record_contact
from tests.factories import FinancingNeedFactory, LeadFactory

pytestmark = pytest.mark.django_db

DEADLINE = "首次联系截止"


@pytest.fixture
def lead(officer_user, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    return LeadFactory(need=need, institution=officer_user.officer.institution)


def _lead_page(client, lead):
    return client.get(reverse("banks:lead_detail", args=[lead.pk])).content.decode()


def test_the_deadline_shows_until_first_contact(client, officer_user, lead):
    client.force_login(officer_user)
    assert 'id="contact-due"' in _lead_page(client, lead)
    lead_claim(lead=lead, officer=officer_user.officer)
    assert 'id="contact-due"' in _lead_page(client, lead)
    lead_record_contact(lead=lead, officer=officer_user.officer)
    assert 'id="contact-due"' not in _lead_page(client, lead)


@pytest.mark.parametrize("status", ["signed", "closed", "declined"])
def test_a_finished_lead_shows_no_deadline(client, officer_user, lead, status):
    type(lead).objects.filter(pk=lead.pk).update(status=status)
    client.force_login(officer_user)
    assert 'id="contact-due"' not in _lead_page(client, lead)
    inbox = client.get(reverse("banks:lead_list"), {"status": status}).content.decode()
    assert lead.contact_due_at.strftime("%Y-%m-%d") not in inbox


@pytest.mark.parametrize(
    ("persona", "url_name", "title"),
    [
        ("officer_user", "banks:product_create", "新建产品"),
        ("enterprise_member", "enterprises:project_create", "新建项目"),
    ],
)
def test_create_pages_have_a_page_title(client, request, persona, url_name, title):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse(url_name)).content.decode()
    head_title = body.split("<title>")[1].split("</title>")[0]
    assert head_title.startswith(title)


def test_favicon_answers_with_the_vendored_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
