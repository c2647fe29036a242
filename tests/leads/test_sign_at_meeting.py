"""Item 7 of issue 10: officers record on-site agreements against the meeting and its venue through
the one signing service; the form offers only the chosen meeting's venues."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ServiceError
from leads.forms import SignForm
from leads.meeting_selectors import meeting_board
from leads.models import Lead, LoanAgreement
from leads.services import loan_agreement_sign
from tests.conftest import csrf_post
from tests.factories import (
    FinancingNeedFactory,
    LeadFactory,
    LoanProductFactory,
    MeetingFactory,
    SubVenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    start = timezone.now() - dt.timedelta(hours=1)
    today = MeetingFactory(
        title="今天的对接会", starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    other = MeetingFactory(title="另一场对接会")
    return {
        "today": today,
        "main": SubVenueFactory(meeting=today, name="主会场", is_main=True),
        "town": SubVenueFactory(meeting=today, name="白鹤镇分会场"),
        "other": other,
        "other_venue": SubVenueFactory(meeting=other, name="石门镇分会场"),
    }


@pytest.fixture
def lead(officer_user, enterprise):
    officer = officer_user.officer
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="in_progress",
        amount=Decimal("5000000.00"),
        submitted_at=timezone.now() - dt.timedelta(days=10),
    )
    product = LoanProductFactory(institution=officer.institution)
    return LeadFactory(
        need=need, institution=officer.institution, product=product, status=Lead.Status.APPROVED
    )


def _venue_ids(form):
    return {venue.pk for venue in form.fields["sub_venue"].queryset}


def test_the_form_offers_only_the_chosen_meetings_venues(meetings):
    form = SignForm(data={"meeting": meetings["today"].pk})
    assert _venue_ids(form) == {meetings["main"].pk, meetings["town"].pk}


def test_before_a_meeting_is_chosen_venues_are_grouped_by_meeting(meetings):
    choices = SignForm().fields["sub_venue"].choices
    groups = {label: {name for _pk, name in options} for label, options in choices[1:]}
    assert groups == {
        meetings["today"].choice_label: {"主会场", "白鹤镇分会场"},
        meetings["other"].choice_label: {"石门镇分会场"},
    }


def test_occurrences_of_a_series_are_told_apart_by_their_date(web_as, finance_user):
    """Found walking the product: a quarterly series' meetings share one title, and the sign
    form, its venue groups and the office's agreement filter listed them identically."""
    from office.filters import AgreementFilter

    shanghai = timezone.get_current_timezone()
    for month in (3, 6):
        meeting = MeetingFactory(
            title="政银企座谈会（季度例会）",
            starts_at=dt.datetime(2027, month, 18, 9, 30, tzinfo=shanghai),
        )
        SubVenueFactory(meeting=meeting, name="主会场")
    expected = {"政银企座谈会（季度例会） · 2027-03-18", "政银企座谈会（季度例会） · 2027-06-18"}
    sign = SignForm()
    assert {label for _value, label in sign.fields["meeting"].choices if _value} == expected
    assert {label for label, _options in sign.fields["sub_venue"].choices[1:]} == expected
    office = AgreementFilter(data={}).form.fields["meeting"]
    assert {label for _value, label in office.choices if _value} == expected


def test_choosing_a_meeting_reloads_its_venues(meetings, officer_user, client):
    client.force_login(officer_user)
    html = client.get(
        reverse("banks:sign_venues"), {"meeting": meetings["other"].pk}
    ).content.decode()
    assert "石门镇分会场" in html and "白鹤镇分会场" not in html
    assert 'id="sign-venue-field"' in html


@pytest.mark.parametrize("value", ["", "abc", "999999", "1e9"])
def test_a_strange_meeting_value_still_answers(meetings, officer_user, client, value):
    client.force_login(officer_user)
    assert client.get(reverse("banks:sign_venues"), {"meeting": value}).status_code == 200


@pytest.mark.parametrize("persona", ["enterprise_member", "outsider", "finance_user"])
def test_only_officers_load_the_venue_list(meetings, persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("banks:sign_venues")).status_code == 403


def _sign_data(meeting, venue):
    return {
        "amount": "300",
        "rate": "3.85",
        "term_months": "12",
        "signed_on": timezone.localdate().isoformat(),
        "contract_number": "QX-MEETING-001",
        "purpose": "new",
        "security": "credit",
        "meeting": meeting.pk,
        "sub_venue": venue.pk,
    }


def test_an_officer_signs_at_a_venue_through_the_lead_page(lead, meetings, officer_user, web_as):
    web = web_as(officer_user)
    response = csrf_post(
        web,
        reverse("banks:lead_sign", kwargs={"pk": lead.pk}),
        _sign_data(meetings["today"], meetings["town"]),
        form_url=reverse("banks:lead_detail", kwargs={"pk": lead.pk}),
    )
    assert response.status_code == 302
    agreement = LoanAgreement.objects.get()
    assert (agreement.meeting, agreement.sub_venue) == (meetings["today"], meetings["town"])
    board = meeting_board(meetings["today"])
    assert (board.total_amount, board.total_count) == (Decimal("3000000.00"), 1)
    assert {v["name"]: v["signed"] for v in board.venues} == {
        "主会场": Decimal("0.00"),
        "白鹤镇分会场": Decimal("3000000.00"),
    }


def test_a_venue_of_another_meeting_is_refused_on_the_page(lead, meetings, officer_user, web_as):
    web = web_as(officer_user)
    response = csrf_post(
        web,
        reverse("banks:lead_sign", kwargs={"pk": lead.pk}),
        _sign_data(meetings["today"], meetings["other_venue"]),
        form_url=reverse("banks:lead_detail", kwargs={"pk": lead.pk}),
    )
    assert response.status_code == 400
    assert 'id="id_sub_venue_error"' in response.content.decode()
    assert not LoanAgreement.objects.exists()


def _sign(lead, officer_user, **fields):
    """Sign 300万元 at 3.85 % for 12 months through the service, with ``fields`` on top."""
    return loan_agreement_sign(
        lead=lead,
        officer=officer_user.officer,
        amount=Decimal("3000000.00"),
        rate=Decimal("3.85"),
        term_months=12,
        **fields,
    )


def test_the_service_refuses_a_venue_of_another_meeting(lead, meetings, officer_user):
    with pytest.raises(ServiceError) as refused:
        _sign(
            lead,
            officer_user,
            signed_on=timezone.localdate(),
            contract_number="QX-MEETING-002",
            meeting=meetings["today"],
            sub_venue=meetings["other_venue"],
        )
    assert refused.value.field == "sub_venue"
    assert not LoanAgreement.objects.exists()


def test_the_service_refuses_a_meeting_that_is_after_the_signing_date(lead, officer_user):
    # Yesterday's meeting (09:30 Shanghai); the agreement says it was signed the day before it.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time(9, 30), tzinfo=timezone.get_current_timezone())
    earlier = MeetingFactory(
        title="昨天的对接会", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    with pytest.raises(ServiceError) as refused:
        _sign(
            lead,
            officer_user,
            signed_on=yesterday - dt.timedelta(days=1),
            contract_number="QX-MEETING-003",
            meeting=earlier,
        )
    assert refused.value.field == "meeting"
    assert f"{yesterday:%Y-%m-%d}" in str(refused.value)
    assert not LoanAgreement.objects.exists()
