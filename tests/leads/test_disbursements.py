"""Item 9 of issue 10: disbursements (放款) recorded under an agreement, by its institution only,
never more than the agreement nor outside the signing date and today."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ServiceError
from leads.models import Disbursement
from leads.services import disbursement_record
from tests.conftest import csrf_post
from tests.factories import LoanAgreementFactory

pytestmark = pytest.mark.django_db
WAN = Decimal(10_000)


@pytest.fixture
def agreement(institution, officer_user):
    """1,000万元 signed ten days ago by the officer's institution."""
    return LoanAgreementFactory(
        lead__institution=institution,
        lead__assigned_to=officer_user.officer,
        amount=1000 * WAN,
        signed_on=timezone.localdate() - dt.timedelta(days=10),
    )


def _record(agreement, officer, wan, days_ago=1):
    return disbursement_record(
        agreement=agreement,
        officer=officer,
        amount=Decimal(wan) * WAN,
        disbursed_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def test_payments_add_up_to_the_agreement_and_no_more(agreement, officer_user):
    _record(agreement, officer_user.officer, 600)
    _record(agreement, officer_user.officer, 400)
    with pytest.raises(ServiceError) as refused:
        _record(agreement, officer_user.officer, "0.01")
    assert refused.value.field == "amount"
    assert sum(d.amount for d in Disbursement.objects.all()) == 1000 * WAN


def test_another_institutions_officer_may_not_record(agreement, other_officer_user):
    with pytest.raises(ServiceError):
        _record(agreement, other_officer_user.officer, 100)
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize(("days_ago", "why"), [(11, "before signing"), (-1, "in the future")])
def test_the_date_lies_between_signing_and_today(agreement, officer_user, days_ago, why):
    with pytest.raises(ServiceError) as refused:
        _record(agreement, officer_user.officer, 100, days_ago=days_ago)
    assert refused.value.field == "disbursed_on", why


def test_the_signing_day_and_today_are_both_allowed(agreement, officer_user):
    _record(agreement, officer_user.officer, 100, days_ago=10)
    _record(agreement, officer_user.officer, 100, days_ago=0)
    assert Disbursement.objects.count() == 2


def test_a_voided_agreement_takes_no_payment(agreement, officer_user):
    agreement.voided_at = timezone.now()
    agreement.save()
    with pytest.raises(ServiceError):
        _record(agreement, officer_user.officer, 100)


def test_the_officer_records_a_payment_on_the_lead_page(agreement, officer_user, web_as):
    web = web_as(officer_user)
    lead_url = reverse("banks:lead_detail", kwargs={"pk": agreement.lead_id})
    assert 'id="disbursements"' in web.get(lead_url).content.decode()
    response = csrf_post(
        web,
        reverse("banks:disbursement_record", kwargs={"pk": agreement.lead_id}),
        {"amount": "250", "disbursed_on": timezone.localdate().isoformat()},
        form_url=lead_url,
    )
    assert response.status_code == 302
    payment = Disbursement.objects.get()
    assert (payment.amount, payment.recorded_by) == (250 * WAN, officer_user)
    assert "250.00万元" in web.get(lead_url).content.decode()


def test_too_much_is_answered_beside_the_amount(agreement, officer_user, web_as):
    web = web_as(officer_user)
    response = csrf_post(
        web,
        reverse("banks:disbursement_record", kwargs={"pk": agreement.lead_id}),
        {"amount": "1000.01", "disbursed_on": timezone.localdate().isoformat()},
        form_url=reverse("banks:lead_detail", kwargs={"pk": agreement.lead_id}),
    )
    assert response.status_code == 400
    assert 'id="id_amount_error"' in response.content.decode()
    assert not Disbursement.objects.exists()


def test_another_institution_cannot_reach_the_form(agreement, other_officer_user, web_as):
    web = web_as(other_officer_user)
    response = csrf_post(
        web,
        reverse("banks:disbursement_record", kwargs={"pk": agreement.lead_id}),
        {"amount": "1", "disbursed_on": timezone.localdate().isoformat()},
        form_url=reverse("banks:home"),
    )
    assert response.status_code == 404
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("persona", ["enterprise_member", "outsider", "finance_user"])
def test_only_officers_post_disbursements(agreement, persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("banks:disbursement_record", kwargs={"pk": agreement.lead_id}),
        {"amount": "1", "disbursed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert not Disbursement.objects.exists()
