import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import PortalSettings
from leads.models import Lead
from leads.services import ServiceError, lead_take
from matchmaking.engine import rescore_need
from tests.calendar_cn import nth_working_day_after
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, InstitutionFactory, LoanProductFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def crowded_need(institution):
    """A need matched by four institutions' products with a cap of three."""
    for _ in range(3):
        LoanProductFactory(
            institution=InstitutionFactory(),
            tags=["mortgage", "first_loan"],
            typical_approval_days=3,
        )
    # Ours approves more slowly, so it scores lowest of the four (but above the threshold).
    LoanProductFactory(
        institution=institution, tags=["mortgage", "first_loan"], typical_approval_days=15
    )
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    return need


def test_leads_go_to_at_most_the_cap(crowded_need, institution):
    assert Lead.objects.filter(need=crowded_need).count() == 3
    assert not Lead.objects.filter(need=crowded_need, institution=institution).exists()
    assert crowded_need.matches.filter(product__institution=institution).exists()


def test_a_further_institution_sees_it_taken_and_is_refused_clearly(
    web_as, officer_user, crowded_need
):
    web = web_as(officer_user)
    page = web.get(reverse("banks:matched_needs"))
    assert "已被其他机构对接" in page.content.decode()
    response = csrf_post(
        web,
        reverse("banks:need_take", args=[crowded_need.pk]),
        form_url=reverse("banks:matched_needs"),
        follow=True,
    )
    assert response.status_code == 200
    assert "该需求已被对接：已有3家机构正在对接" in response.content.decode()
    assert Lead.objects.filter(need=crowded_need).count() == 3


def test_after_a_decline_the_place_is_free_again(officer_user, crowded_need, institution):
    from leads.services import lead_claim, lead_decline
    from tests.factories import OfficerFactory

    holder = Lead.objects.filter(need=crowded_need).order_by("score").first()
    holder_officer = OfficerFactory(institution=holder.institution)
    lead_claim(lead=holder, officer=holder_officer)
    Lead.objects.filter(need=crowded_need).exclude(pk=holder.pk).update(status="claimed")
    PortalSettings.objects.filter(pk=1).update(contact_cap=3)
    lead_decline(lead=holder, officer=holder_officer, reason="amount")
    lead = lead_take(need=crowded_need, officer=officer_user.officer)
    assert lead.institution == institution and lead.status == Lead.Status.CLAIMED


def test_the_cap_is_a_finance_office_setting(officer_user, crowded_need):
    PortalSettings.objects.filter(pk=1).update(contact_cap=4)
    lead = lead_take(need=crowded_need, officer=officer_user.officer)
    assert lead.status == Lead.Status.CLAIMED
    with pytest.raises(ServiceError, match="贵机构已在对接该需求"):
        lead_take(need=crowded_need, officer=officer_user.officer)


def test_a_taken_need_is_due_n_working_days_later(officer_user, crowded_need):
    PortalSettings.objects.filter(pk=1).update(contact_cap=4, response_working_days=4)
    lead = lead_take(need=crowded_need, officer=officer_user.officer)
    received = lead.received_at.astimezone(SHANGHAI)
    due = lead.contact_due_at.astimezone(SHANGHAI)
    assert due.date() == nth_working_day_after(received.date(), 4)
    assert due.time() == dt.time.max
    assert lead.product.institution == officer_user.officer.institution
