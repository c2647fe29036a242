"""The admin shows workflow rows but cannot move them around the services."""

import pytest
from django.urls import reverse

from core.audit import audit_for_object, audit_record
from core.models import AuditEvent, PortalSettings
from leads.models import Lead, LoanAgreement
from tests.conftest import csrf_post
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web(web_as):
    superuser = UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    return web_as(superuser), superuser


def test_the_admin_cannot_change_a_leads_status(admin_web):
    web, _user = admin_web
    lead = LeadFactory(status=Lead.Status.NEW)
    url = reverse("admin:leads_lead_change", args=[lead.pk])
    page = web.get(url)
    assert page.status_code == 200  # readable
    assert 'name="status"' not in page.content.decode()
    response = csrf_post(web, url, {"status": Lead.Status.SIGNED, "score": "99"})
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_the_admin_cannot_create_or_delete_agreements(admin_web):
    web, _user = admin_web
    assert web.get(reverse("admin:leads_loanagreement_add")).status_code == 403
    assert web.get(reverse("admin:leads_lead_add")).status_code == 403
    assert LoanAgreement.objects.count() == 0


def test_the_audit_log_cannot_be_changed_or_deleted_in_the_admin(admin_web):
    web, user = admin_web
    lead = LeadFactory()
    event = audit_record(obj=lead, action="note", actor=user, note="原始记录")
    change = reverse("admin:core_auditevent_change", args=[event.pk])
    assert csrf_post(web, change, {"note": "改写"}).status_code == 403
    delete = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert csrf_post(web, delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).note == "原始记录"


def test_settings_changed_in_the_admin_are_audited(admin_web):
    web, user = admin_web
    settings_row = PortalSettings.load()
    url = reverse("admin:core_portalsettings_change", args=[settings_row.pk])
    csrf_post(web, url, {"response_working_days": "5", "contact_cap": "3"})
    settings_row.refresh_from_db()
    assert settings_row.response_working_days == 5
    event = audit_for_object(settings_row).get()
    assert event.actor == user
    assert "3 → 5" in event.note
