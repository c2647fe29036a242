"""Item 7 of issue 10: the meeting report and its workbook. Figures are the hand-computed ones of
``conftest.signed_meeting``; a voided agreement and one signed at another meeting count nowhere."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from leads.meeting_selectors import meeting_attendance, meeting_report
from tests.factories import LoanAgreementFactory, SubVenueFactory

pytestmark = pytest.mark.django_db
WAN = Decimal(10_000)


def _rows(rows):
    return [(row["label"], row["count"], row["signed"] / WAN) for row in rows]


def test_the_report_totals_leave_out_the_voided_and_other_meetings(signed_meeting):
    report = meeting_report(signed_meeting["meeting"])
    assert (report.total_amount, report.total_count) == (Decimal("50000000.00"), 3)
    assert _rows(report.by_institution) == [
        ("测试工商银行清溪支行", 2, Decimal(4500)),
        ("测试建设银行清溪支行", 1, Decimal(500)),
    ]
    assert _rows(report.by_sub_venue) == [
        ("主会场", 2, Decimal(3500)),
        ("白鹤镇分会场", 1, Decimal(1500)),
    ]
    assert _rows(report.by_chain) == [("新材料", 2, Decimal(3500)), ("绿色食品", 1, Decimal(1500))]
    assert _rows(report.by_enterprise) == [
        ("清溪甲公司", 1, Decimal(3000)),
        ("清溪乙公司", 1, Decimal(1500)),
        ("清溪丙公司", 1, Decimal(500)),
    ]
    assert [a.pk for a in report.agreements] == [
        signed_meeting["a1"].pk,
        signed_meeting["a2"].pk,
        signed_meeting["a3"].pk,
    ]


def test_attendance_counts_the_institutions_answers(signed_meeting):
    rows = {
        row["institution"]: (row["invited"], row["accepted"], row["declined"], row["pending"])
        for row in meeting_attendance(signed_meeting["meeting"])
    }
    # The enterprise member's acceptance is not an institution's.
    assert rows == {"测试工商银行清溪支行": (2, 1, 1, 0), "测试建设银行清溪支行": (1, 0, 0, 1)}


def test_the_report_page_shows_the_totals_in_money_units(signed_meeting, finance_user, client):
    client.force_login(finance_user)
    response = client.get(
        reverse("office:meeting_report", kwargs={"pk": signed_meeting["meeting"].pk})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "5,000.00万元" in html
    assert "3,500.00万元" in html  # the main venue and chain 新材料
    assert "9,999" not in html and "2,000.00万元" not in html


def test_the_workbook_has_each_table_on_its_own_sheet(signed_meeting, finance_user, client):
    client.force_login(finance_user)
    response = client.get(
        reverse("office:meeting_report_export", kwargs={"pk": signed_meeting["meeting"].pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 6
    agreements, by_institution, by_chain, by_venue, by_enterprise, attendance = book.worksheets
    # Row 1 title, row 2 generated-at, row 3 header, data from row 4.
    assert [r[:2] for r in by_institution.iter_rows(min_row=4, values_only=True)] == [
        ("测试工商银行清溪支行", 2),
        ("测试建设银行清溪支行", 1),
    ]
    assert [r[2] for r in by_venue.iter_rows(min_row=4, values_only=True)] == [3500.0, 1500.0]
    assert [r[0] for r in by_chain.iter_rows(min_row=4, values_only=True)] == ["新材料", "绿色食品"]
    assert by_enterprise.max_row == 3 + 3
    assert sorted(r[4] for r in agreements.iter_rows(min_row=4, values_only=True)) == [
        500.0,
        1500.0,
        3000.0,
    ]
    assert [r[:5] for r in attendance.iter_rows(min_row=4, values_only=True)] == [
        ("测试工商银行清溪支行", 2, 1, 1, 0),
        ("测试建设银行清溪支行", 1, 0, 0, 1),
    ]


def test_the_next_meeting_opens_with_the_previous_ones_follow_up(
    signed_meeting, finance_user, client
):
    from tests.factories import MeetingFactory

    later = MeetingFactory(title="下一次对接会")
    client.force_login(finance_user)
    html = client.get(reverse("office:meeting_report", kwargs={"pk": later.pk})).content.decode()
    assert 'id="previous-follow-up"' in html
    assert "2026年冬季政银企对接会" in html
    assert "5,000.00万元" in html  # what was signed there; nothing was signed at the new one


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["office:meeting_report", "office:meeting_report_export"])
def test_the_report_costs_the_same_queries_however_many_agreements(
    signed_meeting, finance_user, client, name, django_assert_max_num_queries
):
    client.force_login(finance_user)
    url = reverse(name, kwargs={"pk": signed_meeting["meeting"].pk})
    before = _queries(client, url)
    for index in range(5):
        LoanAgreementFactory(
            meeting=signed_meeting["meeting"],
            sub_venue=SubVenueFactory(meeting=signed_meeting["meeting"], name=f"分会场{index}"),
        )
    with django_assert_max_num_queries(before):
        client.get(url)
    assert before <= 20


@pytest.mark.parametrize(
    "name", ["office:meeting_report", "office:meeting_report_export", "office:meeting_follow_up"]
)
@pytest.mark.parametrize(
    "persona", ["officer_user", "enterprise_member", "outsider", "other_officer_user"]
)
def test_only_government_staff_see_a_meeting_report(signed_meeting, client, request, name, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, kwargs={"pk": signed_meeting["meeting"].pk}))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name", ["office:meeting_report", "office:meeting_report_export", "office:meeting_follow_up"]
)
def test_an_anonymous_visitor_is_sent_to_log_in(signed_meeting, client, name):
    response = client.get(reverse(name, kwargs={"pk": signed_meeting["meeting"].pk}))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["finance_user", "bureau_user"])
def test_government_staff_open_the_report(signed_meeting, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(
        reverse("office:meeting_report", kwargs={"pk": signed_meeting["meeting"].pk})
    )
    assert response.status_code == 200


def test_a_missing_meeting_is_not_found(finance_user, client):
    client.force_login(finance_user)
    assert client.get(reverse("office:meeting_report", kwargs={"pk": 999999})).status_code == 404
