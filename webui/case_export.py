"""A case search as a spreadsheet: CSV (UTF-8 with a BOM, so Excel opens the Chinese) and
XLSX (webui.spreadsheet). The columns are the search page's, with names and times as shown
there; in the XLSX the report time is a time a spreadsheet can sort and count by, in
Xiamen's time, and the columns are wide enough to read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from engine.record.case_search import CaseRow

from .labels import CHANNEL, LIGHT, STATUS, URGENCY, label, unit_name
from .spreadsheet import TIME, Column, Value, add_sheet, book_bytes, new_book

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
    columns = [
        Column(header, TIME if n == REPORTED else None, width)
        for n, (header, width) in enumerate(zip(_header(), WIDTHS, strict=True))
    ]
    book = new_book()
    add_sheet(book, _("案件"), columns, (_xlsx_row(row) for row in rows))
    return book_bytes(book)


def _xlsx_row(row: CaseRow) -> list[Value]:
    cells: list[Value] = list(_cells(row))
    cells[REPORTED] = row.case.created_at  # a time, not its text
    return cells
