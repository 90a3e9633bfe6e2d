"""The one XLSX writer of the pages' exports (openpyxl): a sheet per table, its header row
bold and frozen, numbers as numbers, times as times a spreadsheet sorts and counts by (in
Xiamen's time; XLSX keeps no zone), text never run as a formula, and columns wide enough
to read."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from engine.time.clock import SHANGHAI

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIME = "yyyy-mm-dd hh:mm"
MONTH = "yyyy-mm"
PERCENT = "0.0%"
DECIMAL = "0.00"
_TIMES = (TIME, MONTH, "yyyy-mm-dd")
Value = str | int | float | datetime | date | None
_WIDEST, _NARROWEST = 60, 8  # fitted widths, in characters
_NOT_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # TIME, PERCENT …; None: as the value is
    width: float | None = None  # in characters, a CJK one counted as two; None: fitted


def xlsx_time(instant: datetime) -> datetime:
    """An instant as a spreadsheet time: Xiamen's clock, whole seconds, no zone."""
    return instant.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


def text_width(text: str) -> int:
    """How many characters wide `text` is: a CJK (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def new_book() -> Workbook:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)  # every sheet is added by add_sheet
    return book


def add_sheet(
    book: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Value]]
) -> Worksheet:
    sheet = book.create_sheet(title.translate(_NOT_IN_TITLES)[:31])
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [text_width(c.header) for c in columns]
    for row, values in enumerate(rows, start=2):  # cell by cell: sheet[row] scans the sheet
        for n, (value, column) in enumerate(zip(values, columns, strict=True)):
            if isinstance(value, datetime) and value.tzinfo:
                value = xlsx_time(value)
            cell = sheet.cell(row, n + 1, value)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
                lines = cell.value.splitlines() or [""]
                if len(lines) > 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[n] = max(widths[n], *(text_width(line) for line in lines))
            elif cell.value is not None:
                cell.number_format = _format(cell.value, column.number_format)
                shown = str(cell.value) if cell.number_format == "General" else cell.number_format
                widths[n] = max(widths[n], len(shown))
    for n, column in enumerate(columns):
        fitted = min(_WIDEST, max(_NARROWEST, widths[n] + 2))
        letter = sheet.cell(1, n + 1).column_letter
        sheet.column_dimensions[letter].width = column.width or fitted
    sheet.freeze_panes = "A2"
    return sheet


def _format(value: Value, asked: str | None) -> str:
    """The column's format where it fits the value: a time is never shown as a number, nor
    a number as a time."""
    if isinstance(value, date):  # a datetime is a date too
        if asked in _TIMES:
            return asked
        return TIME if isinstance(value, datetime) else "yyyy-mm-dd"
    return asked if asked and asked not in _TIMES else "General"


def book_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
