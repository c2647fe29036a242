"""The one export helper: XLSX with a title row and 万元 formats, CSV that Excel opens in Chinese."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import Http404
from openpyxl import load_workbook

from core.exports import Column, export_response

COLUMNS = [
    Column("Institution"),
    Column("Signed", Column.WAN),
    Column("Count", Column.INT),
    Column("Share", Column.PERCENT),
    Column("Day", Column.DATE),
]
ROWS = [
    ("工行清溪支行", Decimal("74800000.00"), 12, Decimal("0.25"), dt.date(2022, 6, 30)),
    ("农行清溪支行", Decimal("1234.56"), 1, None, None),
]


def _body(response):
    if response.streaming:
        return b"".join(
            part if isinstance(part, bytes) else part.encode()
            for part in response.streaming_content
        )
    return response.content


def test_xlsx_has_title_header_and_wan_values():
    response = export_response(
        "xlsx", filename="league", title="机构排行", columns=COLUMNS, rows=iter(ROWS)
    )
    assert response["Content-Disposition"].startswith('attachment; filename="league-')
    sheet = load_workbook(io.BytesIO(_body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机构排行"
    assert rows[2][:2] == ("Institution", "Signed（万元）")
    assert rows[3][:3] == ("工行清溪支行", 7480.0, 12)
    assert rows[4][1] == 0.12
    assert sheet.cell(row=4, column=2).number_format == '#,##0.00"万元"'
    assert sheet.cell(row=4, column=4).number_format == "0.0%"
    assert rows[3][4] == dt.datetime(2022, 6, 30)


def test_csv_starts_with_bom_and_writes_wan():
    response = export_response("csv", filename="x", title="t", columns=COLUMNS, rows=ROWS)
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeffInstitution,Signed（万元）,Count,Share,Day")
    lines = text.splitlines()
    assert lines[1] == "工行清溪支行,7480.00,12,25.0%,2022-06-30"
    assert lines[2] == "农行清溪支行,0.12,1,,"


def test_unknown_format_is_not_found():
    with pytest.raises(Http404):
        export_response("pdf", filename="x", title="t", columns=COLUMNS, rows=ROWS)
