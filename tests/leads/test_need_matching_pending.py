"""Item 6 of issue 9: right after submitting, the need page says matching is running (not "no
product fits") and polls a partial until the engine has scored the need."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import FinancingNeed
from matchmaking.engine import recompute_all, rescore_need
from tests.factories import FinancingNeedFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

GOOD = {"tags": ["mortgage", "first_loan"]}
PENDING = "匹配计算中"
NOTHING_FITS = "目前没有完全匹配的产品"


@pytest.fixture
def submitted(enterprise):
    return FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)


def test_a_just_submitted_need_shows_matching_in_progress_and_polls(
    client, enterprise_member, submitted
):
    client.force_login(enterprise_member)
    body = client.get(submitted.get_absolute_url()).content.decode()
    assert PENDING in body and NOTHING_FITS not in body
    assert f'hx-get="{reverse("enterprises:need_matches", args=[submitted.pk])}"' in body


def test_once_scored_with_no_match_the_page_says_so_and_stops_polling(
    client, enterprise_member, submitted
):
    rescore_need(submitted.pk)  # no live product: scored, nothing kept
    submitted.refresh_from_db()
    assert submitted.matched_at is not None
    client.force_login(enterprise_member)
    body = client.get(submitted.get_absolute_url()).content.decode()
    assert NOTHING_FITS in body and PENDING not in body and "hx-trigger" not in body


def test_the_partial_brings_the_matches_once_they_arrive(client, enterprise_member, submitted):
    product = LoanProductFactory(**GOOD)
    client.force_login(enterprise_member)
    url = reverse("enterprises:need_matches", args=[submitted.pk])
    assert PENDING in client.get(url).content.decode()
    rescore_need(submitted.pk)
    body = client.get(url).content.decode()
    assert product.name in body and PENDING not in body and "hx-trigger" not in body


def test_an_edit_after_scoring_shows_matching_again(client, enterprise_member, submitted):
    rescore_need(submitted.pk)
    submitted.refresh_from_db()
    submitted.purpose = "购置设备"
    submitted.save()  # updated_at moves past matched_at, as an edit does
    client.force_login(enterprise_member)
    assert PENDING in client.get(submitted.get_absolute_url()).content.decode()


def test_another_enterprise_cannot_poll_the_partial(client, other_enterprise_member, submitted):
    client.force_login(other_enterprise_member)
    assert client.get(reverse("enterprises:need_matches", args=[submitted.pk])).status_code == 404


def test_the_bulk_recompute_stamps_matched_at_with_one_update_per_block(enterprise):
    LoanProductFactory(**GOOD)
    needs = [
        FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)
        for _ in range(6)
    ]
    table = FinancingNeed._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        recompute_all(block_size=3)
    stamps = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(f'UPDATE "{table}"') and "matched_at" in q["sql"]
    ]
    assert len(stamps) == 2
    assert not FinancingNeed.objects.filter(pk__in=[n.pk for n in needs], matched_at=None).exists()


def test_a_recompute_that_changes_nothing_leaves_the_stamps_alone(enterprise):
    LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status=FinancingNeed.Status.SUBMITTED)
    recompute_all()
    need.refresh_from_db()
    stamped = need.matched_at
    recompute_all()
    need.refresh_from_db()
    assert need.matched_at == stamped
