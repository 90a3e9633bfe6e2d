"""The handler's two lists beside the inbox (issue 16, S1): the tasks I completed, newest
first, and the cases my unit has or had a task in, newest report first; both filtered,
counted and paged in SQL.

S1: "done by me" holds the signed-in user's own completed tasks that they still read
(access_rule.seen_tasks: someone moved to another unit no longer lists the old unit's
work); the unit's cases are those visibility.unit_work names, so the list never shows a
case whose page would refuse the reader. Both count and page on indexes (ix_task_done_by,
ix_task_unit_cases, ix_instance_inbox), never on rows with their form data or state blobs;
only the page's 25 rows are read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, defer

from .errors import FieldError, InvalidInput
from .models import Definition, Instance, Task, User
from .people.access_rule import seen_tasks
from .people.visibility import unit_work
from .run.runtime import ENDED
from .time.clock import SHANGHAI

STATUSES = ("running", "ended")  # the unit's cases: still being handled, or ended
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # keeps the SQL offset far from any integer limit
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class ListFilter:
    """What both lists filter on; `since`/`until` are Xiamen dates, both days included: the
    day a task was done ("done by me"), the day a case was reported (the unit's cases). A
    span that ends before it starts matches nothing."""

    process: str | None = None  # a process id, e.g. event_lifecycle
    urgency: str | None = None
    channel: str | None = None
    text: str | None = None  # found in the case number, title or location
    since: date | None = None
    until: date | None = None
    step: str | None = None  # "done by me": the step's element id
    status: str | None = None  # the unit's cases: one of STATUSES


@dataclass(frozen=True)
class DoneRow:
    task: Task
    case: Instance
    process_id: str


@dataclass(frozen=True)
class UnitCaseRow:
    case: Instance
    process_id: str
    open_steps: list[Task]  # where the case stands now: its open tasks, whichever unit's

    @property
    def light(self) -> str | None:
        """The worst light of its open steps; None when none is open."""
        lights = {t.light for t in self.open_steps}
        return next((light for light in ("red", "yellow", "green") if light in lights), None)


@dataclass(frozen=True)
class ListPage:
    rows: list[Any]  # DoneRow or UnitCaseRow
    total: int  # how many match, over every page
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def done_tasks_page(
    session: Session, user: User, filters: ListFilter, *, page: int = 1, per_page: int = 25
) -> ListPage:
    """One page of the tasks the user completed, the latest first, and how many match."""
    _check(filters, page, per_page)
    # completed_by is written only when a task is completed, so it alone says "done by"
    where: list[Any] = [Task.completed_by == user.username, *seen_tasks(user)]
    if filters.step:
        where.append(Task.element_id == filters.step)
    start, end = _span(filters)
    if start is not None:
        where.append(Task.completed_at >= start)
    if end is not None:
        where.append(Task.completed_at < end)
    on_case = _on_case(filters)
    query = select(Task.id, func.count().over()).select_from(Task).where(*where)
    if on_case:
        query = _with_case(query.join(Instance, Instance.id == Task.instance_id), on_case)
    matched = session.execute(
        query.order_by(Task.completed_at.desc(), Task.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [task_id for task_id, _total in matched]
    total = matched[0][1] if matched else _count(session, query)
    found = {
        task.id: DoneRow(task, case, process_id)
        for task, case, process_id in session.execute(
            select(Task, Instance, Definition.process_id)
            .join(Instance, Instance.id == Task.instance_id)
            .join(Definition, Definition.id == Instance.definition_id)
            .where(Task.id.in_(ids))
            .options(defer(Instance.state), defer(Task.data), defer(Task.defaults))
        )
    }
    return ListPage([found[i] for i in ids if i in found], total, page, per_page)


def unit_cases_page(
    session: Session, user: User, filters: ListFilter, *, page: int = 1, per_page: int = 25
) -> ListPage:
    """One page of the cases the user's unit has or had a task in, the latest reported
    first, each with its open steps, and how many match."""
    _check(filters, page, per_page)
    where = [Instance.id.in_(select(Task.instance_id).where(unit_work(user))), *_on_case(filters)]
    start, end = _span(filters)
    if start is not None:
        where.append(Instance.created_at >= start)
    if end is not None:
        where.append(Instance.created_at < end)
    if filters.status == "running":
        where.append(Instance.status.not_in(ENDED))
    elif filters.status == "ended":
        where.append(Instance.status.in_(ENDED))
    query = _with_case(select(Instance.id, func.count().over()).select_from(Instance), where)
    matched = session.execute(
        query.order_by(Instance.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    ids = [case_id for case_id, _total in matched]
    total = matched[0][1] if matched else _count(session, query)
    steps: dict[int, list[Task]] = {i: [] for i in ids}
    for task in session.scalars(
        select(Task)
        .where(Task.instance_id.in_(ids), Task.state == "open")
        .order_by(Task.id)
        .options(defer(Task.data), defer(Task.defaults))
    ):
        steps[task.instance_id].append(task)
    found = {
        case.id: UnitCaseRow(case, process_id, steps[case.id])
        for case, process_id in session.execute(
            select(Instance, Definition.process_id)
            .join(Definition, Definition.id == Instance.definition_id)
            .where(Instance.id.in_(ids))
            .options(defer(Instance.state))
        )
    }
    return ListPage([found[i] for i in ids if i in found], total, page, per_page)


def done_steps(session: Session, user: User) -> list[tuple[str, str]]:
    """The steps (element id, name) the user has completed tasks at: a step filter's choices."""
    first_of_step = (
        select(func.min(Task.id))
        .where(Task.completed_by == user.username, *seen_tasks(user))
        .group_by(Task.element_id)
    )
    rows = session.execute(
        select(Task.element_id, Task.name)
        .where(Task.id.in_(first_of_step))
        .order_by(Task.element_id)
    )
    return [(element_id, name) for element_id, name in rows]


def _on_case(filters: ListFilter) -> list[ColumnElement[bool]]:
    """The case's conditions, all on columns ix_instance_inbox holds."""
    where: list[ColumnElement[bool]] = []
    if filters.process:
        versions = select(Definition.id).where(Definition.process_id == filters.process)
        where.append(Instance.definition_id.in_(versions))
    if filters.urgency:
        where.append(Instance.urgency == filters.urgency)
    if filters.channel:
        where.append(Instance.channel == filters.channel)
    if filters.text and filters.text.strip():
        pattern = "%" + _escape_like(filters.text.strip()) + "%"
        where.append(
            or_(
                Instance.case_no.like(pattern, escape="\\"),
                Instance.title.like(pattern, escape="\\"),
                Instance.location.like(pattern, escape="\\"),
            )
        )
    return where


def _with_case(query: _Query, where: list[Any]) -> _Query:
    # SQLite would look the case up by rowid and walk its state blob to reach the filtered
    # columns; ix_instance_inbox holds them all
    return query.where(*where).with_hint(Instance, "INDEXED BY ix_instance_inbox", "sqlite")


def _count(session: Session, query: Select[*tuple[Any, ...]]) -> int:
    """Past the last page: the total still says how many there are."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _span(filters: ListFilter) -> tuple[datetime | None, datetime | None]:
    """The filter's dates as instants: from the first day's midnight in Xiamen to the
    midnight after the last day."""
    start = datetime.combine(filters.since, time(), SHANGHAI) if filters.since else None
    end = (
        datetime.combine(filters.until + timedelta(days=1), time(), SHANGHAI)
        if filters.until
        else None
    )
    return start, end


def _check(filters: ListFilter, page: int, per_page: int) -> None:
    errors = []
    if filters.status and filters.status not in STATUSES:
        errors.append(FieldError("status", f"status 应为 {'、'.join(STATUSES)} 之一"))
    if not 1 <= page <= MAX_PAGE:
        errors.append(FieldError("page", f"page 应在 1 到 {MAX_PAGE} 之间"))
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors.append(FieldError("per_page", f"per_page 应在 1 到 {MAX_PER_PAGE} 之间"))
    if errors:
        raise InvalidInput("查询参数有误：" + "；".join(e.message for e in errors), errors)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
