from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notice
from banks.models import LoanProduct
from banks.services import loan_product_review
from core.errors import ServiceError
from core.workflow import IllegalTransition
from leads.models import Lead
from matchmaking.models import Match
from tests.conftest import csrf_post, run_outbox, wait_for
from tests.factories import FinancingNeedFactory, IndustryChainFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "name": "科技成长贷",
        "product_type": "working_capital",
        "tags": ["credit", "first_loan"],
        "min_amount": "50",
        "max_amount": "1000",
        "min_term_months": "6",
        "max_term_months": "36",
        "min_rate": "3.45",
        "max_rate": "4.80",
        "eligible_size_classes": ["small", "micro"],
        "accepted_collateral": [],
        "typical_approval_days": "5",
        "description": "面向科技型中小企业",
    }
    data.update(overrides)
    return data


def test_an_officer_creates_and_submits_a_product(web_as, officer_user, institution, finance_user):
    chain = IndustryChainFactory()
    web = web_as(officer_user)
    csrf_post(
        web, reverse("banks:product_create"), {**_form(eligible_chains=[chain.pk]), "submit": "1"}
    )
    product = LoanProduct.objects.get(institution=institution)
    assert product.status == LoanProduct.Status.SUBMITTED
    assert product.min_amount == Decimal("500000.00") and product.max_amount == Decimal(
        "10000000.00"
    )
    assert list(product.eligible_chains.all()) == [chain]
    assert Notice.objects.filter(user=finance_user, title__contains="科技成长贷").exists()


def test_ranges_are_checked_with_field_messages(web_as, officer_user, institution):
    web = web_as(officer_user)
    response = csrf_post(
        web,
        reverse("banks:product_create"),
        {**_form(min_amount="500", max_amount="100", min_rate="5", max_rate="4")},
    )
    form = response.context["form"]
    assert "最高金额不能低于最低金额" in form.errors["max_amount"][0]
    assert "最高利率不能低于最低利率" in form.errors["max_rate"][0]
    assert not LoanProduct.objects.exists()


def test_a_duplicate_name_is_refused_on_the_form(web_as, officer_user, institution):
    LoanProductFactory(institution=institution, name="科技成长贷")
    web = web_as(officer_user)
    response = csrf_post(web, reverse("banks:product_create"), _form())
    assert response.status_code == 200
    assert response.context["form"].errors
    assert LoanProduct.objects.filter(institution=institution).count() == 1


@pytest.mark.django_db(transaction=True)
def test_publishing_matches_open_needs_and_mails_the_officers_through_a_real_worker(
    celery_worker, finance_user, officer_user, institution
):
    need = FinancingNeedFactory(status="submitted")
    product = LoanProductFactory(
        institution=institution, status="submitted", tags=["mortgage", "first_loan"]
    )
    loan_product_review(product=product, reviewer=finance_user, publish=True)
    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PUBLISHED
    assert product.published_at is not None
    # The effects, done by the worker after the commit: the open need is matched and becomes a
    # lead of the institution, and the officer is told in the portal and by e-mail.
    assert wait_for(lambda: Match.objects.filter(need=need, product=product).exists())
    assert wait_for(lambda: Lead.objects.filter(need=need, institution=institution).exists())
    subject = f"产品已发布：{product.name}"
    assert Notice.objects.get(user=officer_user, title__startswith="产品已发布").title == subject
    assert wait_for(lambda: any(subject in m.subject for m in mail.outbox))
    assert [m.to for m in mail.outbox if subject in m.subject] == [[officer_user.email]]


def test_a_returned_product_is_matched_against_nothing(finance_user, institution):
    FinancingNeedFactory(status="submitted")
    product = LoanProductFactory(
        institution=institution, status="submitted", tags=["mortgage", "first_loan"]
    )
    loan_product_review(product=product, reviewer=finance_user, publish=False, note="补充材料")
    run_outbox()
    assert not Match.objects.filter(product=product).exists()
    assert not Lead.objects.filter(institution=institution).exists()


def test_returning_needs_a_reason(finance_user, institution):
    product = LoanProductFactory(institution=institution, status="submitted")
    with pytest.raises(ServiceError) as info:
        loan_product_review(product=product, reviewer=finance_user, publish=False, note="")
    assert "请写明" in str(info.value)
    assert info.value.field == "note"
    product.refresh_from_db()
    assert product.status == LoanProduct.Status.SUBMITTED
    loan_product_review(
        product=product, reviewer=finance_user, publish=False, note="利率区间请与官网一致"
    )
    product.refresh_from_db()
    assert (
        product.status == LoanProduct.Status.RETURNED
        and product.review_note == "利率区间请与官网一致"
    )


def test_only_the_finance_office_reviews(client, bureau_user, institution):
    product = LoanProductFactory(institution=institution, status="submitted")
    client.force_login(bureau_user)
    csrf_post(client, reverse("office:product_review", args=[product.pk]), {"decision": "publish"})
    product.refresh_from_db()
    assert product.status == LoanProduct.Status.SUBMITTED


def test_editing_a_published_product_sends_it_back_for_review(web_as, officer_user, institution):
    product = LoanProductFactory(institution=institution, name="科技成长贷", status="published")
    web = web_as(officer_user)
    csrf_post(
        web,
        reverse("banks:product_edit", args=[product.pk]),
        {**_form(max_rate="4.90"), "save": "1"},
    )
    product.refresh_from_db()
    assert product.status == LoanProduct.Status.SUBMITTED and product.max_rate == Decimal("4.90")


def test_a_submitted_product_cannot_be_published_twice(finance_user, institution):
    product = LoanProductFactory(institution=institution, status="published")
    with pytest.raises(IllegalTransition):
        loan_product_review(product=product, reviewer=finance_user, publish=True)


def test_retiring_takes_the_product_out_of_matching(web_as, officer_user, institution):
    from matchmaking.engine import rescore_product
    from matchmaking.models import Match
    from tests.factories import FinancingNeedFactory

    product = LoanProductFactory(institution=institution, tags=["mortgage", "first_loan"])
    need = FinancingNeedFactory(status="submitted")
    rescore_product(product.pk)
    assert Match.objects.filter(product=product, need=need).exists()
    web = web_as(officer_user)
    csrf_post(
        web,
        reverse("banks:product_retire", args=[product.pk]),
        form_url=reverse("banks:product_list"),
    )
    product.refresh_from_db()
    assert product.status == LoanProduct.Status.RETIRED
    rescore_product(product.pk)  # what the queued task does
    assert not Match.objects.filter(product=product).exists()


def test_the_public_catalogue_lists_only_published_products(client, institution):
    published = LoanProductFactory(institution=institution, name="已发布产品", tags=["credit"])
    LoanProductFactory(institution=institution, name="审核中产品", status="submitted")
    response = client.get(reverse("catalogue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert published.name in body and "审核中产品" not in body
    assert published.name in client.get(reverse("catalogue"), {"tag": "credit"}).content.decode()
    assert (
        published.name not in client.get(reverse("catalogue"), {"tag": "pledge"}).content.decode()
    )
    assert published.name in client.get(reverse("catalogue"), {"amount": "50"}).content.decode()
    assert (
        published.name not in client.get(reverse("catalogue"), {"amount": "5000"}).content.decode()
    )
    assert client.get(reverse("catalogue"), {"amount": "abc"}).status_code == 200
