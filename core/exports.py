"""Tables to spreadsheets: one way every page exports its table, as XLSX (openpyxl, with a title
row and 万元 number formats) or CSV (UTF-8 with a byte-order mark, so Excel opens it in Chinese).

Rows are streamed: CSV through ``StreamingHttpResponse``, XLSX through openpyxl's write-only
workbook into a temporary file, so a large export never holds the whole table in memory.

    columns = [Column(_("Institution")), Column(_("Signed"), Column.WAN)]
    return export_response(fmt, filename="league", title=_("League table"), columns=columns,
                           rows=((row.name, row.amount) for row in table))
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import WAN

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: its header and how its values are written."""

    TEXT = "text"
    INT = "int"
    WAN = "wan"  # a yuan Decimal, written as 万元 with two decimals
    DECIMAL = "decimal"
    PERCENT = "percent"  # a fraction (0.25), written as 25.0%
    DATE = "date"
    DATETIME = "datetime"

    label: str
    kind: str = TEXT
    width: int = 16


_NUMBER_FORMATS = {
    Column.INT: "#,##0",
    Column.WAN: '#,##0.00"万元"',
    Column.DECIMAL: "#,##0.00",
    Column.PERCENT: "0.0%",
    Column.DATE: "yyyy-mm-dd",
    Column.DATETIME: "yyyy-mm-dd hh:mm",
}


def _cell_value(column: Column, value):
    if value is None:
        return None
    if column.kind == Column.WAN:
        return float((Decimal(value) / WAN).quantize(Decimal("0.01")))
    if column.kind in (Column.DECIMAL, Column.PERCENT):
        return float(value)
    if column.kind == Column.DATETIME and isinstance(value, dt.datetime):
        # Spreadsheets have no time zones: write the wall-clock time in Asia/Shanghai.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _csv_value(column: Column, value) -> str:
    value = _cell_value(column, value)
    if value is None:
        return ""
    if column.kind == Column.WAN:
        return f"{value:.2f}"
    if column.kind == Column.PERCENT:
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _header(column: Column) -> str:
    if column.kind == Column.WAN:
        return _("%(label)s (ten-thousand yuan)") % {"label": column.label}
    return str(column.label)


def _filename(name: str, fmt: str) -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"{name}-{stamp}.{fmt}"


class _Echo:
    def write(self, value):
        return value


def csv_rows(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_header(column) for column in columns])
    for row in rows:
        yield writer.writerow([_csv_value(c, v) for c, v in zip(columns, row, strict=True)])


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook with several sheets (``workbook_response``)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, no []:*?/\ and unique within the workbook.
    name = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(title))[:31] or "Sheet"
    base, number = name, 2
    while name in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name


def _append_sheet(workbook, sheet_name: str, *, title, columns, rows) -> None:
    """A title row, a generated-at row, the header, then the rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=sheet_name)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    heading = WriteOnlyCell(sheet, value=str(title))
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    sheet.append(
        [_("Generated %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}]
    )
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_header(column))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=True):
            cell = WriteOnlyCell(sheet, value=_cell_value(column, value))
            if column.kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[column.kind]
            cells.append(cell)
        sheet.append(cells)


def write_xlsx(file, *, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
    """Write one sheet: a title row, a generated-at row, the header, then the rows."""
    write_workbook(file, sheets=[Sheet(title=title, columns=columns, rows=rows)])


def write_workbook(file, sheets: Sequence[Sheet]) -> None:
    """Write each table on its own sheet, in order."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _append_sheet(
            workbook,
            _sheet_name(sheet.title, used),
            title=sheet.title,
            columns=sheet.columns,
            rows=sheet.rows,
        )
    workbook.save(file)


def workbook_response(*, filename: str, sheets: Sequence[Sheet]):
    """The XLSX download of several tables, one sheet each (CSV holds one table only)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_workbook(file, sheets=sheets)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=_filename(filename, "xlsx"), content_type=XLSX_TYPE
    )


def export_response(
    fmt: str,
    *,
    filename: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
):
    """The download of one table; ``fmt`` is "xlsx" or "csv" (anything else is a 404)."""
    if fmt not in FORMATS:
        raise Http404
    name = _filename(filename, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_rows(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(file, title=title, columns=columns, rows=rows)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_TYPE)
