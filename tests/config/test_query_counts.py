"""The query count of the busiest pages does not grow with the rows they show."""

import pytest
from django.urls import reverse

from core.audit import audit_for_object
from leads.services import lead_claim, lead_record_contact, lead_request_info
from matchmaking.engine import rescore_need
from tests.factories import (
    FinancingNeedFactory,
    InstitutionFactory,
    LoanProductFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db


def _need_with(products: int, enterprise):
    for _ in range(products):
        LoanProductFactory(institution=InstitutionFactory(), tags=["mortgage", "first_loan"])
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    rescore_need(need.pk)
    return need


def _worked_lead(need, steps: int):
    lead = need.leads.order_by("pk").first()
    officer = OfficerFactory(institution=lead.institution)
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer, note="联系")
    for i in range(steps):
        lead_request_info(lead=lead, officer=officer, note=f"补充材料{i}")
        lead_record_contact(lead=lead, officer=officer, note=f"已收到{i}")
    return lead, officer


@pytest.mark.parametrize("size", [2, 12])
def test_need_page_queries_stay_flat(
    client, enterprise_member, enterprise, django_assert_max_num_queries, size
):
    need = _need_with(size, enterprise)
    _worked_lead(need, size)
    client.force_login(enterprise_member)
    # 19 for the need, its matches and leads; 1 for the enterprise's coming 1:1 talks.
    with django_assert_max_num_queries(20):
        response = client.get(need.get_absolute_url())
    assert len(response.context["matches"]) == size


@pytest.mark.parametrize("steps", [1, 15])
def test_lead_page_queries_stay_flat(client, enterprise, django_assert_max_num_queries, steps):
    need = _need_with(3, enterprise)
    lead, officer = _worked_lead(need, steps)
    client.force_login(officer.user)
    # 18: one of them reads the bureaus' recommendations the page marks the need with.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("banks:lead_detail", args=[lead.pk]))
    assert audit_for_object(lead).count() == 2 + 2 * steps
    assert response.status_code == 200
