"""Every form that creates something does it once per form instance (core.once): twenty identical
POSTs of one filled form (a double click, a browser retry) create one row and all lead to it."""

import copy
import datetime as dt
import re
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from banks.models import LoanProduct, OfficerInvitation
from core.errors import ServiceError
from core.models import UsedFormToken
from core.once import create_once
from enterprises.models import Enterprise, EnterpriseInvitation, FinancingNeed, Project
from leads.models import LoanAgreement
from tests.conftest import csrf_post
from tests.factories import (
    FinancingNeedFactory,
    IndustryChainFactory,
    LeadFactory,
    UserFactory,
)

REPLAYS = 20
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def _form_token(web, url):
    """Open the form like a browser: the page carries a fresh one-time token."""
    response = web.get(url)
    assert response.status_code == 200
    found = TOKEN.findall(response.content.decode())
    assert len(found) == 1, "the creating form renders exactly one form_token"
    return found[0]


def _replay(web, url, data, *, form_url=None, times=REPLAYS):
    token = _form_token(web, form_url or url)
    payload = {**data, "form_token": token, "csrfmiddlewaretoken": web.cookies["csrftoken"].value}
    return [web.post(url, payload) for _ in range(times)]


def _single_destination(responses):
    assert {r.status_code for r in responses} == {302}
    locations = {r["Location"] for r in responses}
    assert len(locations) == 1
    return locations.pop()


def _need_data(**overrides):
    return {
        "amount": "123.45",
        "term_months": "24",
        "purpose": "购买原材料",
        "loan_kind": "new",
        "max_rate": "4.35",
        "needed_by": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "visibility": "all_matched",
        "submit": "1",
        **overrides,
    }


@pytest.mark.django_db
def test_twenty_submits_of_one_need_form_create_one_need(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    responses = _replay(web, reverse("enterprises:need_create"), _need_data())
    need = FinancingNeed.objects.get(enterprise=enterprise)
    assert _single_destination(responses) == need.get_absolute_url()
    assert need.status == FinancingNeed.Status.SUBMITTED


@pytest.mark.django_db
def test_a_replayed_form_says_it_was_already_sent(web_as, enterprise_member):
    web = web_as(enterprise_member)
    responses = _replay(web, reverse("enterprises:need_create"), _need_data(), times=2)
    page = web.get(responses[-1]["Location"])
    assert "这份表单已经提交过" in page.content.decode()


@pytest.mark.django_db
def test_each_opening_of_a_form_gets_its_own_token(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    url = reverse("enterprises:need_create")
    assert _form_token(web, url) != _form_token(web, url)
    _replay(web, url, _need_data(), times=2)
    _replay(web, url, _need_data(), times=2)
    assert FinancingNeed.objects.filter(enterprise=enterprise).count() == 2


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_keeps_its_token(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    url = reverse("enterprises:need_create")
    token = _form_token(web, url)
    csrf = web.cookies["csrftoken"].value
    refused = web.post(
        url, {**_need_data(amount="abc"), "form_token": token, "csrfmiddlewaretoken": csrf}
    )
    assert refused.status_code == 200
    assert TOKEN.findall(refused.content.decode()) == [token]
    web.post(url, {**_need_data(), "form_token": token, "csrfmiddlewaretoken": csrf})
    assert FinancingNeed.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.django_db
def test_twenty_submits_of_one_project_form_create_one_project(
    web_as, enterprise_member, enterprise
):
    web = web_as(enterprise_member)
    chain = IndustryChainFactory()
    data = {"name": "新厂房", "chain": chain.pk, "total_investment": "800", "stage": "planning"}
    _single_destination(_replay(web, reverse("enterprises:project_create"), data))
    assert Project.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.django_db
def test_twenty_submits_of_one_product_form_create_one_product(web_as, officer_user, institution):
    web = web_as(officer_user)
    data = {
        "name": "科技成长贷",
        "product_type": "working_capital",
        "tags": ["credit"],
        "min_amount": "50",
        "max_amount": "1000",
        "min_term_months": "6",
        "max_term_months": "36",
        "min_rate": "3.45",
        "max_rate": "4.80",
        "typical_approval_days": "5",
        "description": "面向科技型中小企业",
        "submit": "1",
    }
    _single_destination(_replay(web, reverse("banks:product_create"), data))
    assert LoanProduct.objects.filter(institution=institution).count() == 1


@pytest.mark.django_db
def test_twenty_submits_of_one_colleague_invitation_send_one(web_as, enterprise_member, enterprise):
    web = web_as(enterprise_member)
    url = reverse("enterprises:members")
    _single_destination(_replay(web, url, {"email": "colleague@example.cn"}))
    assert EnterpriseInvitation.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.django_db
def test_twenty_submits_of_one_officer_invitation_send_one(web_as, institution_admin, institution):
    web = web_as(institution_admin)
    url = reverse("banks:officer_list")
    _single_destination(_replay(web, url, {"email": "new@example.cn", "role": "officer"}))
    assert OfficerInvitation.objects.filter(institution=institution).count() == 1


@pytest.mark.django_db
def test_twenty_submits_of_one_registration_register_once(client):
    chain = IndustryChainFactory()
    code = "91510199MA800001XB"  # hand-computed: organisation check X, check digit B
    data = {
        "account-username": "wangfang",
        "account-full_name": "王芳",
        "account-phone": "13800001111",
        "account-email": "wangfang@example.cn",
        "account-password1": "Qingxi-2026-safe",
        "account-password2": "Qingxi-2026-safe",
        "enterprise-name": "清溪新材料科技有限公司",
        "enterprise-credit_code": code,
        "enterprise-legal_representative": "王建国",
        "enterprise-industry": "industry",
        "enterprise-chain": chain.pk,
        "enterprise-employees": "320",
        "enterprise-revenue": "2500",
        "enterprise-total_assets": "4000.5",
        "enterprise-figures_as_of": "2025-12-31",
        "enterprise-contact_name": "王芳",
        "enterprise-contact_phone": "0800-1234567",
        "enterprise-contact_email": "finance@example.cn",
    }
    url = reverse("enterprises:register")
    token = _form_token(client, url)
    payload = {
        **data,
        "form_token": token,
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
    }
    # A double click: every request leaves with the cookies the page was opened with.
    clients = [Client(enforce_csrf_checks=True) for _ in range(REPLAYS)]
    for replay in clients:
        replay.cookies = copy.deepcopy(client.cookies)
    destinations = [replay.post(url, payload) for replay in clients]
    assert _single_destination(destinations) == reverse("enterprises:home")
    assert Enterprise.objects.filter(credit_code=code).count() == 1


@pytest.mark.django_db
def test_twenty_submits_of_one_signing_form_sign_once(web_as, officer_user, enterprise):
    officer = officer_user.officer
    need = FinancingNeedFactory(enterprise=enterprise, status="in_progress")
    lead = LeadFactory(need=need, institution=officer.institution, status="approved")
    web = web_as(officer_user)
    data = {
        "amount": "150",
        "rate": "3.85",
        "term_months": "12",
        "signed_on": timezone.localdate().isoformat(),
        "contract_number": "QX-2026-001",
    }
    responses = _replay(
        web,
        reverse("banks:lead_sign", args=[lead.pk]),
        data,
        form_url=reverse("banks:lead_detail", args=[lead.pk]),
    )
    assert _single_destination(responses) == reverse("banks:lead_detail", args=[lead.pk])
    assert LoanAgreement.objects.filter(lead=lead).count() == 1


@pytest.mark.django_db
def test_a_refused_creation_leaves_the_token_free():
    user = UserFactory()
    token = "a" * 32

    def refuse():
        raise ServiceError("不行")

    with pytest.raises(ServiceError):
        create_once(token=token, user=user, create=refuse)
    assert not UsedFormToken.objects.filter(token=token).exists()
    assert create_once(token=token, user=user, create=lambda: "/made/").url == "/made/"


@pytest.mark.django_db
def test_another_persons_replay_learns_nothing():
    token = "b" * 32
    create_once(token=token, user=UserFactory(), create=lambda: "/secret/")
    with pytest.raises(ServiceError):
        create_once(token=token, user=UserFactory(), create=lambda: "/other/")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_submits_from_two_threads_create_one_need(enterprise_member, enterprise):
    opener = Client(enforce_csrf_checks=True)
    opener.force_login(enterprise_member)
    token = _form_token(opener, reverse("enterprises:need_create"))
    barrier = threading.Barrier(2)
    statuses = []

    def post_ten():
        client = Client(enforce_csrf_checks=True)
        client.force_login(enterprise_member)
        try:
            barrier.wait(timeout=10)
            for _ in range(REPLAYS // 2):
                response = csrf_post(
                    client,
                    reverse("enterprises:need_create"),
                    {**_need_data(), "form_token": token},
                )
                statuses.append((response.status_code, response.get("Location")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post_ten) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    need = FinancingNeed.objects.get(enterprise=enterprise)
    assert statuses == [(302, need.get_absolute_url())] * REPLAYS
