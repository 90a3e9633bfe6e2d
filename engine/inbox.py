"""The open-task query behind the inbox page and `GET /api/tasks`: one user's visible work,
filtered, sorted by deadline and paged in SQL (SPEC §1, S1, E12).

Visibility (S1) is engine/people/access_rule.py's `inbox_tasks`: a handler or a center post sees
the open tasks addressed to its own unit and one of its roles — those it claimed and those
nobody claimed; an auditor (审计员) sees every open task, read-only. Paging and counting happen in the database, so an inbox
of 10,000 open tasks costs one pass over ix_task_inbox (and ix_instance_inbox when the
case is filtered or searched) that pages and counts at once, then the page's 25 rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from .errors import FieldError, InvalidInput
from .models import Instance, Task, User
from .people.access_rule import inbox_tasks

SCOPES = ("all", "mine", "unclaimed")  # mine: claimed by me; unclaimed: nobody's yet
SORTS = ("due", "-due")  # by deadline, earliest first or latest first; no deadline last
LIGHTS = ("green", "yellow", "red")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # keeps the SQL offset far from any integer limit
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])  # a select of any columns


@dataclass(frozen=True)
class Reminder:
    """An open 催办/督办 of a case in the inbox, with the step it chases and that step's unit."""

    task: Task
    chased_name: str | None
    chased_unit: str | None


@dataclass(frozen=True)
class InboxPage:
    rows: list[tuple[Task, Instance]]  # one page of (task, its case)
    total: int  # how many tasks (or, grouped, rows) match, over every page
    page: int
    per_page: int
    # grouped: a case's open reminders, by case id, shown on the row of its first one
    reminders: dict[int, list[Reminder]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def open_tasks_page(
    session: Session,
    user: User,
    *,
    scope: str = "all",
    urgency: str | None = None,
    channel: str | None = None,
    light: str | None = None,
    step: str | None = None,
    text: str | None = None,
    sort: str = "due",
    page: int = 1,
    per_page: int = 25,
    group_reminders: bool = False,
) -> InboxPage:
    """One page of the user's open tasks and the total that match.

    ``scope`` is "mine" (claimed by the user), "unclaimed" (nobody claimed) or "all" (both);
    ``urgency``, ``channel``, ``light`` and ``step`` (the BPMN element id) match exactly;
    ``text`` is found in the case number, title or location. ``page`` counts from 1 and
    ``per_page`` is at most 100. Bad values raise InvalidInput naming the parameter.

    ``group_reminders`` (the page, issue 16): a case's open reminders (催办, 督办) take one row,
    its earliest due, instead of one each; `reminders` lists them all with what they chase."""
    _check(scope, light, sort, page, per_page)
    where: list[Any] = inbox_tasks(user, scope)
    on_case = []  # conditions on the case: the case is joined only when they are asked for
    if urgency:
        on_case.append(Instance.urgency == urgency)
    if channel:
        on_case.append(Instance.channel == channel)
    if light:
        where.append(Task.light == light)
    if step:
        where.append(Task.element_id == step)
    if text and text.strip():
        pattern = "%" + _escape_like(text.strip()) + "%"
        on_case.append(
            or_(
                Instance.case_no.like(pattern, escape="\\"),
                Instance.title.like(pattern, escape="\\"),
                Instance.location.like(pattern, escape="\\"),
            )
        )
    # The page's ids and the total in one pass over the indexes, then the page's rows.
    if group_reminders:
        ids, total = _grouped_page(session, where, on_case, sort, page, per_page)
    else:
        due = Task.due_at.desc() if sort == "-due" else Task.due_at
        matched = session.execute(
            _matching(select(Task.id, func.count().over()), where, on_case)
            .order_by(Task.due_at.is_(None), due, Task.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        ids = [task_id for task_id, _total in matched]
        if matched:
            total = matched[0][1]
        else:  # past the last page: the total still says how many there are
            total = session.scalar(_matching(select(func.count()), where, on_case)) or 0
    found = {
        task.id: (task, case)
        for task, case in session.execute(
            select(Task, Instance)
            .join(Instance, Instance.id == Task.instance_id)
            .where(Task.id.in_(ids))
            .options(defer(Instance.state))  # tens of KB a case, never shown in a list
        )
    }
    rows = [found[i] for i in ids if i in found]
    reminders = {}
    if group_reminders:
        cases = [case.id for task, case in rows if task.chased_task_id is not None]
        reminders = _reminders_of(session, inbox_tasks(user, scope), cases)
    return InboxPage(rows, total, page, per_page, reminders)


def _grouped_page(
    session: Session, where: list[Any], on_case: list[Any], sort: str, page: int, per_page: int
) -> tuple[list[int], int]:
    """The page's task ids and the total when a case's reminders share one row: each case's
    matching reminders are ranked by deadline and only the first is listed."""
    group = case((Task.chased_task_id.is_not(None), -Task.instance_id), else_=Task.id)
    rank = func.row_number().over(
        partition_by=group, order_by=(Task.due_at.is_(None), Task.due_at, Task.id)
    )
    ranked = _matching(select(Task.id, Task.due_at, rank.label("rank")), where, on_case).subquery()
    due = ranked.c.due_at.desc() if sort == "-due" else ranked.c.due_at
    matched = session.execute(
        select(ranked.c.id, func.count().over())
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.due_at.is_(None), due, ranked.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if matched:
        return [task_id for task_id, _total in matched], matched[0][1]
    total = session.scalar(select(func.count()).select_from(ranked).where(ranked.c.rank == 1))
    return [], total or 0


def _reminders_of(session: Session, seen: list[Any], cases: list[int]) -> dict[int, list[Reminder]]:
    """Every open reminder the user sees of these cases, by deadline, with its chased step."""
    if not cases:
        return {}
    chased = aliased(Task)
    grouped: dict[int, list[Reminder]] = {}
    for task, name, unit in session.execute(
        select(Task, chased.name, chased.unit_code)
        .outerjoin(chased, chased.id == Task.chased_task_id)
        .where(*seen, Task.instance_id.in_(cases), Task.chased_task_id.is_not(None))
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    ):
        grouped.setdefault(task.instance_id, []).append(Reminder(task, name, unit))
    return grouped


def open_steps(session: Session, user: User) -> list[tuple[str, str]]:
    """The steps (element id, name) the user has open tasks at: the choices of a step filter.

    The steps come from ix_task_inbox alone; only one task per step is read for its name."""
    first_of_step = select(func.min(Task.id)).where(*inbox_tasks(user)).group_by(Task.element_id)
    rows = session.execute(
        select(Task.element_id, Task.name)
        .where(Task.id.in_(first_of_step))
        .order_by(Task.element_id)
    )
    return [(element_id, name) for element_id, name in rows]


def _matching(query: _Query, where: list[Any], on_case: list[Any]) -> _Query:
    query = query.select_from(Task).where(*where)
    if on_case:
        # SQLite would look the case up by rowid and walk its state blob to reach the filtered
        # columns; ix_instance_inbox holds them all
        query = (
            query.join(Instance, Instance.id == Task.instance_id)
            .where(*on_case)
            .with_hint(Instance, "INDEXED BY ix_instance_inbox", "sqlite")
        )
    return query


def _check(scope: str, light: str | None, sort: str, page: int, per_page: int) -> None:
    errors = []
    if scope not in SCOPES:
        errors.append(FieldError("scope", f"scope 应为 {'、'.join(SCOPES)} 之一"))
    if light and light not in LIGHTS:
        errors.append(FieldError("light", f"light 应为 {'、'.join(LIGHTS)} 之一"))
    if sort not in SORTS:
        errors.append(FieldError("sort", f"sort 应为 {'、'.join(SORTS)} 之一"))
    if not 1 <= page <= MAX_PAGE:
        errors.append(FieldError("page", f"page 应在 1 到 {MAX_PAGE} 之间"))
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors.append(FieldError("per_page", f"per_page 应在 1 到 {MAX_PER_PAGE} 之间"))
    if errors:
        raise InvalidInput("待办查询参数有误：" + "；".join(e.message for e in errors), errors)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
