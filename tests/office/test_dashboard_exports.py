"""Issue 11, item 8: the dashboard's and funnel's tables as XLSX and CSV, and the monthly report
workbook, read back with openpyxl and compared with the hand-worked district."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .dashboard_fixtures import build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    return build_district()


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _data_rows(sheet):
    # Row 1 is the title, row 2 the generation time, row 3 the header.
    rows = list(sheet.iter_rows(values_only=True))
    return rows[2], rows[3:]


def test_institution_table_as_xlsx_with_wan_formats(client, finance_user, district):
    client.force_login(finance_user)
    response = client.get(
        reverse("office:dashboard"), {"year": "2025", "format": "xlsx", "table": "institution"}
    )
    sheet = _xlsx(response).active
    assert sheet["A1"].value == "签约贷款 · 按金融机构"
    header, rows = _data_rows(sheet)
    assert header == (
        "金融机构",
        "签约笔数",
        "签约金额（万元）",
        "金额占比",
        "年度目标（万元）",
        "本年完成进度",
    )
    assert rows == [
        ("甲行", 3, 320.0, pytest.approx(320 / 370), 400.0, 0.8),
        ("乙行", 1, 50.0, pytest.approx(50 / 370), None, None),
    ]
    assert sheet["C4"].number_format == '#,##0.00"万元"'


def test_chain_table_as_csv(client, finance_user, district):
    client.force_login(finance_user)
    response = client.get(reverse("office:dashboard"), {"format": "csv", "table": "chain"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["产业链", "签约笔数", "签约金额（万元）", "金额占比"]
    assert rows[1:] == [
        ["链B1", "1", "200.00", "50.0%"],
        ["链A1", "2", "130.00", "32.5%"],
        ["链A2", "1", "50.00", "12.5%"],
        ["未填写", "1", "20.00", "5.0%"],
    ]


@pytest.mark.parametrize(
    "query",
    [{"format": "pdf", "table": "chain"}, {"format": "csv"}, {"format": "xlsx", "table": "nope"}],
)
def test_an_unknown_export_is_not_found(client, finance_user, district, query):
    client.force_login(finance_user)
    assert client.get(reverse("office:dashboard"), query).status_code == 404


def test_funnel_as_xlsx(client, finance_user, district):
    client.force_login(finance_user)
    response = client.get(reverse("office:funnel"), {"year": "2025", "format": "xlsx"})
    header, rows = _data_rows(_xlsx(response).active)
    assert header[0] == "环节"
    # The fixture's needs were submitted ten days before signing (A4's in 2024, outside), each
    # with a lead but no recorded contact: the steps after matching count none of them.
    assert [r[:3] for r in rows] == [
        ("提交需求", 5, 1369.0),  # A1, A2, A3, A5 and the voided A6's need
        ("匹配到金融机构", 5, 1369.0),
        ("首次联系", 0, 0.0),
        ("已批准", 0, 0.0),
        ("已签约", 0, 0.0),
    ]


def test_monthly_report_workbook(client, finance_user, district):
    client.force_login(finance_user)
    response = client.get(reverse("office:monthly_report"), {"month": "2025-03"})
    book = _xlsx(response)
    assert book.sheetnames == [
        "2025-03总览与目标",
        "按金融机构",
        "按产业链",
        "需求漏斗",
        "本月签约明细",
    ]
    _, summary = _data_rows(book["2025-03总览与目标"])
    assert summary[0][1:3] == (2, 150.0)  # March: A1 and A2
    assert summary[1][1:4] == (2, 150.0, pytest.approx(0.15))  # year to March vs 1,000万
    assert summary[2][2] == 1000.0
    assert summary[3][1:3] == (1, 100.0)  # the first loan A1
    assert summary[4][3] == pytest.approx(100 / 150)  # credit share
    _, institutions = _data_rows(book["按金融机构"])
    assert [(r[0], r[1], r[2]) for r in institutions] == [("甲行", 1, 100.0), ("乙行", 1, 50.0)]
    _, agreements = _data_rows(book["本月签约明细"])
    assert [(r[0], r[3], r[7], r[9], r[10]) for r in agreements] == [
        ("A1", 100.0, "新增贷款", "是", "春季对接会"),
        ("A2", 50.0, "续贷", "否", "春季对接会"),
    ]


def test_monthly_report_page_names_a_bad_month(client, finance_user, district):
    client.force_login(finance_user)
    response = client.get(reverse("office:monthly_report"), {"month": "2025-13"})
    assert response.status_code == 200
    assert "请输入月份" in response.content.decode()
