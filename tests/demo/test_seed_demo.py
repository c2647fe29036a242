import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db.models import Sum

from core.uscc import validate_uscc
from enterprises.models import Enterprise
from leads.models import LoanAgreement
from meetings.models import Meeting

pytestmark = pytest.mark.django_db

PORTAL_APPS = ("accounts", "enterprises", "banks", "matchmaking", "leads", "office")


def _snapshot():
    rows = {}
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = serializers.serialize("json", model.objects.order_by("pk"))
    return rows


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == first


def test_the_2022_meeting_signed_exactly_748_million_yuan():
    call_command("seed_demo", stdout=StringIO())
    meeting = Meeting.objects.get(title="2022年全区政银企对接会")
    total = LoanAgreement.objects.filter(meeting=meeting).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("748000000.00")


def test_demo_district_has_every_size_class_and_valid_codes():
    call_command("seed_demo", stdout=StringIO())
    assert Enterprise.objects.count() >= 50
    assert set(Enterprise.objects.values_list("size_class", flat=True)) == {
        "large",
        "medium",
        "small",
        "micro",
    }
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_uscc(code)


def test_the_next_regular_meeting_is_scheduled():
    call_command("seed_demo", stdout=StringIO())
    assert Meeting.objects.filter(status=Meeting.Status.SCHEDULED).count() == 1


def test_the_finance_office_dashboard_shows_the_meeting_with_its_spread():
    from office.dashboard import DashboardFilters, dashboard_figures

    call_command("seed_demo", stdout=StringIO())
    figures = dashboard_figures(
        DashboardFilters(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 1))
    )
    meetings = next(t for t in figures["tables"] if t.key == "meeting")
    assert [(r.label, r.amount) for r in meetings.rows] == [
        ("2022年全区政银企对接会", Decimal("748000000.00"))
    ]
    kinds = {r.key for t in figures["tables"] if t.key in ("kind", "security") for r in t.rows}
    assert {"new", "renewal", "renewal_no_principal", "first_loan"} <= kinds
    assert {"credit", "guarantee", "mortgage", "pledge"} <= kinds
    assert figures["overall_target"] and figures["overall_progress"]
