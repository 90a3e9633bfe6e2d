"""The catalogue as a CSV or XLSX file: export what the user may read, import a unit's entries.

Columns are D1's fields by their Chinese names, values by name (无条件共享, not codes), so
a file exported can be edited in a spreadsheet and imported back. An import is all or
nothing: every row is checked first and every problem is named by its row (the header is
row 1) and column; only a file without a problem changes anything. A row matching an entry
of the importer's unit (same category and name) updates it; a new one becomes a draft.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput
from ..models import Organisation, Resource, User
from ..time.clock import SHANGHAI
from .catalogue import STATUSES, check_maintainer, create, edit, one_source_conflict, visible
from .categories import category_name
from .fields import (
    ATTRIBUTES,
    FIELD_NAMES,
    FIELDS,
    SHARE_MODES,
    SHARE_TYPES,
    UPDATE_PERIODS,
    check_entry,
)

COLUMNS = [name for _, name in FIELDS]
EXPORT_ONLY = ["编号", "状态", "数据更新时间"]  # written for the reader; ignored on import
MAX_ROWS = 5000
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the header's Chinese name
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


class ImportRefused(InvalidInput):
    """An import with problems: nothing was changed."""

    def __init__(self, problems: list[RowProblem]):
        shown = "；".join(str(p) for p in problems[:20])
        more = f"；另有 {len(problems) - 20} 处" if len(problems) > 20 else ""
        super().__init__(
            f"导入未执行，目录没有任何改动：共 {len(problems)} 处需要修改后重新导入。{shown}{more}",
            [FieldError(f"{p.row}:{p.column}", str(p)) for p in problems],
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


# -- export ----------------------------------------------------------------------------


def export_rows(session: Session, user: User) -> list[list[str]]:
    """The header and one row per entry the user may read, in category-then-name order."""
    query = select(Resource, Organisation.name).join(
        Organisation, Organisation.code == Resource.provider_unit
    )
    seen = visible(user)
    if seen is not None:
        query = query.where(seen)
    rows = [COLUMNS + EXPORT_ONLY]
    for resource, unit_name in session.execute(query.order_by(Resource.category, Resource.name)):
        rows.append(
            [
                category_name(resource.category),
                resource.name,
                unit_name,
                resource.data_format,
                ATTRIBUTES.get(resource.attribute, resource.attribute),
                UPDATE_PERIODS.get(resource.update_period, resource.update_period),
                SHARE_TYPES.get(resource.share_type, resource.share_type),
                resource.share_scope,
                "、".join(SHARE_MODES.get(m, m) for m in resource.share_modes),
                resource.usage_requirements,
                resource.source_system,
                str(resource.id),
                STATUSES.get(resource.status, resource.status),
                _local(resource.data_updated_at),
            ]
        )
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese as Chinese."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "资源目录"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- import ----------------------------------------------------------------------------


def read_file(content: bytes, kind: str) -> list[list[str]]:
    """The file's rows as text. CSV may be UTF-8 (with or without BOM) or GB18030, which
    Excel writes on Chinese Windows."""
    if kind not in FORMATS:
        raise InvalidInput(f"文件格式应为 csv 或 xlsx，收到 {kind or '未知格式'}")
    if kind == "xlsx":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise InvalidInput(
                "文件不是有效的 xlsx 工作簿：请用 Excel 或 WPS 另存为 .xlsx 后再导入"
            ) from None
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("CSV 文件的编码无法识别：请另存为 UTF-8 编码的 CSV")
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as e:
        raise InvalidInput(
            f"CSV 文件无法读取（{e}）：请用 Excel 或 WPS 另存为 CSV 后再导入"
        ) from None


def import_rows(
    session: Session, actor: User, now: datetime, rows: list[list[str]]
) -> ImportResult:
    """Import the unit's entries from a file's rows; ImportRefused when any row is wrong,
    before anything is written. The caller commits the session on success."""
    check_maintainer(session, actor, actor.unit_code, "导入资源目录")
    header, records = _records(rows)
    unit = session.get(Organisation, actor.unit_code)
    unit_names = {actor.unit_code, unit.name if unit else actor.unit_code}
    problems: list[RowProblem] = []
    plans: list[tuple[int, dict[str, Any], Resource | None]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, record in records:
        given = {field: record.get(name, "") for field, name in FIELDS}
        provider = given.pop("provider_unit")
        if provider and provider not in unit_names:
            problems.append(
                RowProblem(
                    number,
                    "提供部门",
                    f"只能导入本单位（{unit.name if unit else actor.unit_code}）的资源，此行为“{provider}”：请删去此行或改由该单位导入",
                )
            )
        try:
            entry = check_entry(given)
        except InvalidInput as e:
            problems += [RowProblem(number, FIELD_NAMES[f.field], _said(f)) for f in e.errors]
            continue
        key = (entry.category, entry.name)
        if key in seen:
            problems.append(
                RowProblem(
                    number, "名称", f"与第 {seen[key]} 行的分类和名称相同：一数一源，请合并为一行"
                )
            )
            continue
        seen[key] = number
        existing = session.scalar(
            select(Resource).where(Resource.category == entry.category, Resource.name == entry.name)
        )
        if existing is not None and existing.provider_unit != actor.unit_code:
            problems.append(RowProblem(number, "名称", one_source_conflict(session, *key) or ""))
            continue
        plans.append((number, entry.values(), existing))
    if problems:
        raise ImportRefused(problems)
    created = updated = 0
    for _number, values, existing in plans:
        if existing is None:
            create(session, actor, now, values)
            created += 1
        elif edit(session, actor, now, existing.id, values):
            updated += 1
    return ImportResult(created, updated, len(plans) - created - updated)


def _records(rows: list[list[str]]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header checked, and each non-blank row (with its number) by column name."""
    if not rows or not any(rows[0]):
        raise ImportRefused(
            [RowProblem(1, "表头", f"文件为空：第 1 行应为表头 {'、'.join(COLUMNS)}")]
        )
    header = [h.strip() for h in rows[0]]
    problems = [
        RowProblem(1, name, f"缺少此列：表头须含 {'、'.join(COLUMNS)}")
        for name in COLUMNS
        if name not in header and name != "提供部门"  # the importer's own unit when left out
    ]
    problems += [
        RowProblem(1, name, f"不认识的列：可用的列为 {'、'.join(COLUMNS + EXPORT_ONLY)}")
        for name in header
        if name and name not in COLUMNS and name not in EXPORT_ONLY
    ]
    body = [(i + 1, row) for i, row in enumerate(rows) if i > 0 and any(c.strip() for c in row)]
    if len(body) > MAX_ROWS:
        problems.append(RowProblem(MAX_ROWS + 2, "表头", f"一次最多导入 {MAX_ROWS} 行：请分批导入"))
    if not body and not problems:
        problems.append(
            RowProblem(2, "表头", "文件只有表头，没有资源：请从第 2 行起每行填写一个资源")
        )
    if problems:
        raise ImportRefused(problems)
    records = [
        (number, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name})
        for number, row in body
    ]
    return header, records


def _said(error: FieldError) -> str:
    """A field's message without its leading field name: the column already says it."""
    prefix = FIELD_NAMES[error.field] + "："
    return error.message.removeprefix(prefix)


def _local(instant: datetime | None) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else ""
