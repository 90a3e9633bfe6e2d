"""The auditor's case search (S1, S2, E12): every case, filtered and paged in SQL.

Filters: case number (part of it), channel, unit (any task of the case, open or done),
urgency, current light (the worst light among the case's open tasks; a case with none
open has no light), reported between two Xiamen dates, and free text in the title,
location or description. Newest case first. The same query, unpaged, feeds the exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput
from ..models import Instance, Organisation, Task
from ..time.clock import SHANGHAI, YEARS

LIGHTS = ("green", "yellow", "red")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_EXPORT_ROWS = 10_000  # one export; a wider search is narrowed first

_RANK = case((Task.light == "red", 3), (Task.light == "yellow", 2), else_=1)
_LIGHT_OF_RANK = {3: "red", 2: "yellow", 1: "green"}


@dataclass(frozen=True)
class CaseFilter:
    case_no: str | None = None
    channel: str | None = None
    unit: str | None = None
    urgency: str | None = None
    light: str | None = None
    reported_from: date | None = None  # Xiamen dates, both days included
    reported_to: date | None = None
    text: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, "") for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class CaseRow:
    case: Instance
    light: str | None  # the worst light of its open tasks, None when none is open
    units: list[str]  # the units that have or had a task in it


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_date(value: str | None, field: str) -> date | None:
    """A date from a search form (YYYY-MM-DD, in engine.time.clock.YEARS); an error names the field."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        how = "请按 YYYY-MM-DD 填写日期，例如 2026-11-24"
        raise InvalidInput(
            f"日期 {value[:40]} 格式不正确：{how}", [FieldError(field, how)]
        ) from None
    if day.year not in YEARS:  # years 1 and 9999 would overflow in Xiamen's time zone
        span = f"年份应在 {YEARS[0]} 至 {YEARS[-1]} 之间"
        raise InvalidInput(f"日期 {value} 超出范围：{span}", [FieldError(field, span)])
    return day


def _light_rank() -> Any:
    return (
        select(func.max(_RANK))
        .where(Task.instance_id == Instance.id, Task.state == "open")
        .correlate(Instance)
        .scalar_subquery()
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(filters: CaseFilter) -> list[ColumnElement[bool]]:
    if filters.light and filters.light not in LIGHTS:
        raise InvalidInput(
            "监察灯只能是 green、yellow 或 red", [FieldError("light", "未知的监察灯")]
        )
    if (
        filters.reported_from
        and filters.reported_to
        and filters.reported_from > filters.reported_to
    ):
        raise InvalidInput(
            "起始日期晚于截止日期", [FieldError("reported_from", "起始日期不能晚于截止日期")]
        )
    where: list[ColumnElement[bool]] = []
    if filters.case_no:
        where.append(Instance.case_no.like(_like(filters.case_no.strip()), escape="\\"))
    if filters.channel:
        where.append(Instance.channel == filters.channel)
    if filters.urgency:
        where.append(Instance.urgency == filters.urgency)
    if filters.unit:
        where.append(
            exists().where(Task.instance_id == Instance.id, Task.unit_code == filters.unit)
        )
    if filters.light:
        rank = {v: k for k, v in _LIGHT_OF_RANK.items()}[filters.light]
        where.append(_light_rank() == rank)
    if filters.reported_from:
        start = datetime.combine(filters.reported_from, time(), SHANGHAI)
        where.append(Instance.created_at >= start)
    if filters.reported_to:
        end = datetime.combine(filters.reported_to + timedelta(days=1), time(), SHANGHAI)
        where.append(Instance.created_at < end)
    if filters.text and filters.text.strip():
        pattern = _like(filters.text.strip())
        where.append(
            or_(
                Instance.title.like(pattern, escape="\\"),
                Instance.location.like(pattern, escape="\\"),
                Instance.facts["description"].as_string().like(pattern, escape="\\"),
            )
        )
    return where


def search_cases(
    session: Session, filters: CaseFilter, *, page: int = 1, per_page: int = 25
) -> CasePage:
    """One page of the matching cases, newest first, and how many match over every page."""
    page = min(max(page, 1), MAX_PAGE)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    where = _conditions(filters)
    total = session.scalar(select(func.count(Instance.id)).where(*where)) or 0
    rows = _rows(session, where, offset=(page - 1) * per_page, limit=per_page)
    return CasePage(rows=rows, total=total, page=page, per_page=per_page)


def all_matching(session: Session, filters: CaseFilter) -> list[CaseRow]:
    """Every matching case for an export, newest first; too many is an error, not a cut."""
    where = _conditions(filters)
    total = session.scalar(select(func.count(Instance.id)).where(*where)) or 0
    if total > MAX_EXPORT_ROWS:
        raise InvalidInput(
            f"符合条件的案件有 {total} 件，超过一次导出的上限 {MAX_EXPORT_ROWS} 件：请缩小查询范围"
        )
    return _rows(session, where, offset=0, limit=MAX_EXPORT_ROWS)


def _rows(
    session: Session, where: list[ColumnElement[bool]], *, offset: int, limit: int
) -> list[CaseRow]:
    found = session.execute(
        select(Instance, _light_rank())
        .where(*where)
        .order_by(Instance.created_at.desc(), Instance.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [instance.id for instance, _rank in found]
    units: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for instance_id, unit in session.execute(
            select(Task.instance_id, Task.unit_code)
            .where(Task.instance_id.in_(ids))
            .group_by(Task.instance_id, Task.unit_code)
            .order_by(Task.instance_id, func.min(Task.id))
        ):
            units[instance_id].append(unit)
    return [
        CaseRow(case=instance, light=_LIGHT_OF_RANK.get(rank or 0), units=units[instance.id])
        for instance, rank in found
    ]


def unit_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every organisation, for the unit filter."""
    return [
        (code, name)
        for code, name in session.execute(
            select(Organisation.code, Organisation.name).order_by(Organisation.code)
        )
    ]
