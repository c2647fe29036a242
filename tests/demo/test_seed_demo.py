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

PORTAL_APPS = ("accounts", "enterprises", "banks", "matchmaking", "meetings", "leads", "office")


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


def test_the_next_regular_meeting_is_scheduled_with_some_answers():
    call_command("seed_demo", stdout=StringIO())
    scheduled = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at")
    # One quarterly series, generated about a year ahead.
    assert scheduled.count() == 4
    assert {m.series.rule for m in scheduled} == {"quarterly"}
    nxt = scheduled.first()
    assert nxt.title.endswith("季度政银企座谈会")
    answers = set(nxt.invitations.values_list("response", flat=True))
    assert {"accepted", "declined", "pending"} <= answers
    assert nxt.presented_items.count() > 0


def test_the_2022_meeting_has_its_venues_payments_and_attendance():
    """Hand-computed from demo.data.ON_SITE_AGREEMENTS_WAN (万元): the six largest in the main
    hall (15000+12000+9000+8000+6000+5000), the next five in the industrial park
    (4500+4000+3000+2800+2000), the last five in 白鹤镇 (1500+1000+500+300+200)."""
    from leads.meeting_selectors import follow_up_agreements, meeting_attendance, meeting_board

    call_command("seed_demo", stdout=StringIO())
    meeting = Meeting.objects.get(title="2022年全区政银企对接会")
    board = meeting_board(meeting)
    assert {v["name"]: v["signed"] / 10_000 for v in board.venues} == {
        "主会场": 55000,
        "工业园区分会场": 16300,
        "白鹤镇分会场": 3500,
    }
    assert (board.total_amount, board.total_count) == (Decimal("748000000.00"), 16)
    agreements = follow_up_agreements(meeting)
    # Paid in full but for agreement 4 (8000, half paid); the three smallest wait.
    assert sum(a.disbursed for a in agreements) == Decimal(69800) * 10_000
    assert sorted(a.amount / 10_000 for a in agreements if a.days_waited is not None) == [
        200,
        300,
        500,
    ]
    attendance = meeting_attendance(meeting)
    assert (len(attendance), sum(r["accepted"] for r in attendance)) == (8, 7)


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
