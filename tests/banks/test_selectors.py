"""The officer's institution scoping of ``banks.selectors``, called directly."""

import pytest
from django.http import Http404

from banks.models import LoanProduct
from banks.selectors import colleague_for_officer, product_for_officer, products_for_institution
from tests.factories import InstitutionFactory, LoanProductFactory, OfficerFactory

pytestmark = pytest.mark.django_db
Status = LoanProduct.Status


def test_products_for_institution_are_its_own_ordered_by_status_then_name():
    mine, theirs = InstitutionFactory(), InstitutionFactory()
    LoanProductFactory(institution=mine, name="C loan", status=Status.PUBLISHED)
    LoanProductFactory(institution=mine, name="B loan", status=Status.PUBLISHED)
    LoanProductFactory(institution=mine, name="Z loan", status=Status.DRAFT)
    LoanProductFactory(institution=theirs, name="别家贷", status=Status.DRAFT)
    got = [(p.status, p.name) for p in products_for_institution(institution=mine)]
    # status values sort as text: "draft" < "published"; then the names.
    assert got == [("draft", "Z loan"), ("published", "B loan"), ("published", "C loan")]


def test_an_officer_gets_only_a_product_of_the_own_institution():
    officer = OfficerFactory()
    own = LoanProductFactory(institution=officer.institution, name="本行贷")
    foreign = LoanProductFactory(name="他行贷")
    assert product_for_officer(officer=officer, pk=own.pk).name == "本行贷"
    with pytest.raises(Http404):
        product_for_officer(officer=officer, pk=foreign.pk)


def test_an_officer_gets_only_a_colleague_of_the_own_institution(django_assert_num_queries):
    officer = OfficerFactory()
    colleague = OfficerFactory(institution=officer.institution, user__username="colleague1")
    stranger = OfficerFactory(user__username="stranger1")
    with django_assert_num_queries(1):  # the page shows the user and the institution
        got = colleague_for_officer(officer=officer, pk=colleague.pk)
        assert got.user.username == "colleague1"
        assert got.institution.name == officer.institution.name
    with pytest.raises(Http404):
        colleague_for_officer(officer=officer, pk=stranger.pk)
