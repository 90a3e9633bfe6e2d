"""A case search as a spreadsheet: CSV (UTF-8 with a BOM, so Excel opens the Chinese) and
XLSX (openpyxl). The columns are the search page's, with names and times as shown there;
in the XLSX the report time is a time a spreadsheet can sort and count by, in Xiamen's
time, and the columns are wide enough to read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _
from openpyxl import Workbook

from engine.record.case_search import CaseRow
from engine.time.clock import SHANGHAI

from .labels import CHANNEL, LIGHT, STATUS, URGENCY, label, unit_name

REPORTED = 6  # the report time's column
WIDTHS = (20, 36, 14, 10, 10, 8, 18, 30, 40)  # in characters, a CJK one counted as two


def _header() -> list[str]:
    return [
        _("案件编号"),
        _("标题"),
        _("来源渠道"),
        _("紧急程度"),
        _("状态"),
        _("监察"),
        _("报送时间"),
        _("事件地点"),
        _("涉及单位"),
    ]


def _cells(row: CaseRow) -> list[str]:
    from webui import local_time

    case = row.case
    return [
        case.case_no or "",
        case.title,
        label(CHANNEL, case.channel),
        label(URGENCY, case.urgency),
        label(STATUS, case.status),
        label(LIGHT, row.light) if row.light else "",
        local_time(case.created_at),
        case.location or "",
        "、".join(unit_name(unit) for unit in row.units),
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """A title typed by the public must not run as a spreadsheet formula (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def as_csv(rows: Iterable[CaseRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows([_inert(c) for c in _cells(r)] for r in rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: Iterable[CaseRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("案件")
    sheet.append(_header())
    for row in rows:
        sheet.append(_cells(row))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, never a formula, whatever the title starts with
        reported = sheet.cell(sheet.max_row, REPORTED + 1)
        reported.value = row.case.created_at.astimezone(SHANGHAI).replace(
            tzinfo=None, microsecond=0
        )
        reported.number_format = "yyyy-mm-dd hh:mm"
    for column, width in zip(sheet.iter_cols(max_col=len(WIDTHS)), WIDTHS, strict=True):
        sheet.column_dimensions[column[0].column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
