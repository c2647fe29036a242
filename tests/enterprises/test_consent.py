import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import ServiceError
from enterprises.models import NeedAccessRevocation
from enterprises.selectors import institution_may_see_need
from enterprises.services import (
    financing_need_revoke_access,
    need_access_record,
    need_member_check,
)
from leads.models import Lead
from tests.conftest import csrf_post
from tests.factories import (
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db


def test_officer_reads_appear_in_the_consent_view(client, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    lead = LeadFactory(need=need)
    officer = OfficerFactory(institution=lead.institution).user
    need_access_record(need=need, institution=lead.institution, user=officer)
    need_access_record(need=need, institution=lead.institution, user=officer)
    client.force_login(enterprise_member)
    rows = client.get(need.get_absolute_url()).context["consent_rows"]
    assert [(r["institution"], r["times_opened"]) for r in rows] == [(lead.institution, 2)]
    assert rows[0]["first_opened"] <= rows[0]["last_opened"]


def test_revoking_access_closes_the_institutions_lead(web_as, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    lead = LeadFactory(need=need, status="claimed")
    other = LeadFactory(need=need)
    web = web_as(enterprise_member)
    csrf_post(
        web,
        reverse("enterprises:need_revoke_access", args=[need.pk, lead.institution_id]),
        form_url=need.get_absolute_url(),
    )
    lead.refresh_from_db()
    other.refresh_from_db()
    assert lead.status == Lead.Status.CLOSED
    assert other.status == Lead.Status.NEW
    assert NeedAccessRevocation.objects.filter(need=need, institution=lead.institution).exists()
    rows = web.get(need.get_absolute_url()).context["consent_rows"]
    assert {r["institution"].pk: bool(r["revoked"]) for r in rows} == {
        lead.institution_id: True,
        other.institution_id: False,
    }


def test_revoking_twice_is_harmless(web_as, enterprise_member, enterprise):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    lead = LeadFactory(need=need)
    web = web_as(enterprise_member)
    url = reverse("enterprises:need_revoke_access", args=[need.pk, lead.institution_id])
    csrf_post(web, url, form_url=need.get_absolute_url())
    response = csrf_post(web, url, form_url=need.get_absolute_url())
    assert response.status_code == 302
    assert NeedAccessRevocation.objects.filter(need=need).count() == 1


def test_a_revocation_hides_that_need_from_that_institution_only(enterprise_member, enterprise):

    revoked, other = InstitutionFactory.create_batch(2)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    sibling = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    financing_need_revoke_access(need=need, institution=revoked, actor=enterprise_member)
    seen = {
        (n, i): institution_may_see_need(need=n, institution_id=i.pk)
        for n in (need, sibling)
        for i in (revoked, other)
    }
    assert seen == {
        (need, revoked): False,
        (need, other): True,
        (sibling, revoked): True,
        (sibling, other): True,
    }


def test_a_need_for_chosen_institutions_is_seen_by_those_only(enterprise):

    chosen, left_out = InstitutionFactory.create_batch(2)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted", visibility="chosen")
    need.allowed_institutions.set([chosen])
    assert institution_may_see_need(need=need, institution_id=chosen.pk) is True
    assert institution_may_see_need(need=need, institution_id=left_out.pk) is False
    need.visibility = "all_matched"
    need.save(update_fields=["visibility"])
    assert institution_may_see_need(need=need, institution_id=left_out.pk) is True


@pytest.mark.parametrize("persona", ["other_enterprise_member", "officer_user", "finance_user"])
def test_only_a_member_of_the_enterprise_acts_for_its_need(request, enterprise, persona):
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    with translation.override("zh-hans"), pytest.raises(ServiceError) as refused:
        need_member_check(need=need, actor=request.getfixturevalue(persona))
    assert str(refused.value) == "该需求属于其他企业。"
