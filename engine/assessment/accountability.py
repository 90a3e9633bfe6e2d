"""A3: the accountability cases the standard names (第五节 2.3), listed from the records,
each with its evidence from the case history (event kinds and times).

- 2.3.1 接收不及时: a 签收 done after its deadline, or still open past it.
- 2.3.2 办理不及时: a reply (办理答复) or co-handling opinion (协办) late by less than the
  drag-on threshold.
- 2.3.3 退回重办后仍不认真办理: a reply the center returned (退件) twice or more.
- 2.3.4 久拖不结: a lead (牵头), fallback (兜底/改派) or co-handling (协办) unit's reply or
  opinion late by `drag_on_wd` working days or more (the standard gives no figure; a
  weight the bureau sets, engine.assessment.weights).

A case appears once per clause and unit; a late reply is under 2.3.2 or 2.3.4, not both.
"弄虚作假、答非所问" (2.3.2) and 2.3.5 leave no record the system can judge: not listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session, aliased

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..models import HistoryEvent, Instance, Task
from ..time.calendar import WorkingCalendar
from ..time.clock import SHANGHAI
from .event_figures import return_counts
from .scope import Scope
from .working_days import day_number, days_alias, ensure_days, position

CLAUSES = {
    "2.3.1": "因管理不善致分办事项接收不及时，延误办理时间（签收超时）",
    "2.3.2": "对诉求案件办理不及时（答复或协办意见超时）",
    "2.3.3": "诉求案件被退回重办后仍不认真办理（被中心退件两次以上）",
    "2.3.4": "牵头、协办或兜底单位不认真履职，导致办理事项久拖不结",
    "1(2)": "无理由拒绝提供或者故意拖延提供相关信息（答复、评审或校核超时，拒绝未说明理由）",
}
# A4 (第五节1): only (2) leaves records here; (1), (3)–(7) — no management system, tampering,
# losing control, passing to third parties, secrecy, other breaches — are not in the records.
DATA_STEPS = ("reply", "provider_review", "check_data")
DATA_CHANNELS = ("sharing_request", "market_application")
MAX_CASES = 500  # per clause: the list is for reading, the figures count them all
_TASK_KINDS = ("task_created", "timer_fired", "light_changed", "task_completed")
# a 催办 names the step it chases as the diagram names it (escalate_…'s overdue_step)
_NAMES = {"sign_for": "签收", "handle_reply": "办理答复", "co_handle": "协办"}


@dataclass(frozen=True)
class Evidence:
    seq: int  # the event's number in its case history: the step-through view's k
    at: datetime
    kind: str
    element_id: str | None
    actor: str
    data: dict[str, Any]


@dataclass
class Accountable:
    clause: str
    unit: str
    case_no: str
    title: str
    step: str  # the step at fault (sign_for, handle_reply, co_handle, center_audit)
    role: str | None = None  # 2.3.4: lead, fallback or co
    due_at: datetime | None = None
    done_at: datetime | None = None  # None: still open
    late_wd: float | None = None  # working days past the deadline
    returns: int | None = None  # 2.3.3
    evidence: list[Evidence] = field(default_factory=list)
    window: tuple[datetime, datetime | None] | None = None  # the task's life (open: no end)


def late_working_days(calendar: WorkingCalendar, due: datetime, done: datetime) -> float:
    """Working time from `due` to `done`, in working days (as engine.assessment.working_days
    measures it in SQL)."""
    total, day = 0.0, due.astimezone(SHANGHAI).date()
    end_day = done.astimezone(SHANGHAI).date()
    while day <= end_day:
        if calendar.is_working_day(day):
            start = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
            begin, end = max(due, start), min(done, start + timedelta(days=1))
            if end > begin:
                total += (end - begin).total_seconds() / 86400
        day += timedelta(days=1)
    return round(total, 2)


def accountability(
    session: Session, calendar: WorkingCalendar, scope: Scope, drag_on_wd: float
) -> list[Accountable]:
    listed = (
        _late_steps(session, calendar, scope, drag_on_wd)
        + _returned_twice(session, scope)
        + _data_delays(session, calendar, scope)
    )
    _attach_evidence(session, listed, scope.now)
    return sorted(listed, key=lambda a: (a.clause, a.unit, a.case_no, a.step))


def _late_steps(
    session: Session, calendar: WorkingCalendar, scope: Scope, drag_on_wd: float
) -> list[Accountable]:
    """2.3.1, 2.3.2 and 2.3.4, their lateness in working days computed in SQL (the
    working_day table), at most MAX_CASES each."""
    dialect = session.get_bind().dialect.name
    first, last = (
        scope.period.first_day,
        max(scope.now.astimezone(SHANGHAI).date(), scope.period.first_day),
    )
    ensure_days(session.get_bind(), calendar, first, last)  # type: ignore[arg-type]
    due_day, end_day = days_alias("due_day"), days_alias("end_day")
    ended = func.coalesce(Task.completed_at, scope.now)
    late_wd = (position(ended, end_day, dialect) - position(Task.due_at, due_day, dialect)).label(
        "late_wd"
    )
    first_sign = (
        select(Task.instance_id, func.min(Task.id).label("first_id"))
        .where(Task.element_id == s.SIGN_FOR)
        .group_by(Task.instance_id)
        .subquery("first_sign")
    )
    first_task = aliased(Task)
    late = (
        select(
            Task.unit_code,
            Task.element_id,
            Task.created_at,
            Task.due_at,
            Task.completed_at,
            Task.instance_id,
            late_wd,
        )
        .join(due_day, due_day.day_no == day_number(Task.due_at, dialect))
        .join(end_day, end_day.day_no == day_number(ended, dialect))
        .where(*s.counted_tasks(scope), s.late(scope.now), Task.due_at.is_not(None))
        .subquery("late")
    )
    clauses = {
        "2.3.1": late.c.element_id == s.SIGN_FOR,
        "2.3.2": and_(late.c.element_id.in_(s.FEEDBACK), late.c.late_wd < drag_on_wd),
        "2.3.4": and_(late.c.element_id.in_(s.FEEDBACK), late.c.late_wd >= drag_on_wd),
    }
    listed: list[Accountable] = []
    for clause, where in clauses.items():
        rows = session.execute(
            select(late, Instance.case_no, Instance.title, first_task.unit_code)
            .join(Instance, Instance.id == late.c.instance_id)
            .outerjoin(first_sign, first_sign.c.instance_id == late.c.instance_id)
            .outerjoin(first_task, first_task.id == first_sign.c.first_id)
            .where(where)
            .order_by(late.c.created_at, Instance.id)
            .limit(MAX_CASES)
        )
        for unit, step, created, due, done, _id, wd, case_no, title, first_unit in rows:
            role = None
            if clause == "2.3.4":
                role = (
                    "co" if step == "co_handle" else ("lead" if first_unit == unit else "fallback")
                )
            listed.append(
                Accountable(
                    clause,
                    unit,
                    case_no or "",
                    title,
                    step,
                    role,
                    due,
                    done,
                    round(float(wd), 2),
                    window=(created, done),
                )
            )
    return listed


def _returned_twice(session: Session, scope: Scope) -> list[Accountable]:
    counts = return_counts(scope)
    rows = session.execute(
        select(counts.c.unit, counts.c.returns, Instance.case_no, Instance.title)
        .join(Instance, Instance.id == counts.c.instance_id)
        .where(counts.c.returns >= 2)
        .order_by(Instance.id)
        .limit(MAX_CASES)
    )
    return [
        Accountable("2.3.3", unit, case_no, title, s.CENTER_AUDIT, returns=returns)
        for unit, returns, case_no, title in rows
    ]


def _data_delays(session: Session, calendar: WorkingCalendar, scope: Scope) -> list[Accountable]:
    """A4 1(2): a provider's answer, review or 校核 late, or a refusal without a reason."""
    reason = func.trim(func.coalesce(Task.data["reason"].as_string(), ""))
    refused = or_(
        Task.data["agree"].as_boolean() == false(),
        Task.data["approved"].as_boolean() == false(),
    )
    bare = and_(Task.state == "completed", refused, reason == "")
    where = [
        Instance.channel.in_(DATA_CHANNELS),
        Task.created_at >= scope.period.start,
        Task.created_at < scope.period.end,
        Task.state != "cancelled",
        Task.element_id.in_(DATA_STEPS),
        or_(s.late(scope.now), bare),
    ]
    if scope.unit:
        where.append(Task.unit_code == scope.unit)
    rows = session.execute(
        select(
            Task.unit_code,
            Task.element_id,
            Task.created_at,
            Task.due_at,
            Task.completed_at,
            Instance.case_no,
            Instance.title,
        )
        .join(Instance, Task.instance_id == Instance.id)
        .where(*where)
        .order_by(Task.created_at, Task.id)
        .limit(MAX_CASES)
    )
    listed = []
    for unit, step, created, due, done, case_no, title in rows:
        ended = done or scope.now
        late = late_working_days(calendar, due, ended) if due and ended > due else None
        listed.append(
            Accountable(
                "1(2)",
                unit,
                case_no or "",
                title,
                step,
                None,
                due,
                done,
                late,
                window=(created, done),
            )
        )
    return listed


def _attach_evidence(session: Session, listed: list[Accountable], now: datetime) -> None:
    """The history events that show each case's fault, read for the listed cases only."""
    by_case: dict[str, list[Accountable]] = defaultdict(list)
    for item in listed:
        by_case[item.case_no].append(item)
    if not by_case:
        return
    h = HistoryEvent
    events = session.execute(  # the columns, not ORM objects: a year lists thousands
        select(Instance.case_no, h.seq, h.at, h.kind, h.element_id, h.actor, h.data)
        .join(Instance, Instance.id == h.instance_id)
        .where(Instance.case_no.in_(list(by_case)))
        .order_by(h.instance_id, h.seq)
    )
    for case_no, *fields in events:
        event = Evidence(*fields)
        for item in by_case[case_no or ""]:
            if _shows(item, event):
                item.evidence.append(event)


def _shows(item: Accountable, event: Evidence) -> bool:
    if item.clause == "2.3.3":
        return event.element_id == s.CENTER_AUDIT and event.kind in ("task_completed", "returned")
    assert item.window is not None
    start, end = item.window
    if event.at < start or (end is not None and event.at > end):
        return False
    step = item.step
    if event.kind in _TASK_KINDS and event.element_id in (step, f"warn_{step}", f"timer_{step}"):
        return True
    if step in DATA_STEPS:  # a data case chases one step at a time
        return event.kind in ("escalated", "share_refused")
    return event.kind == "escalated" and (event.data or {}).get("overdue_step") == _NAMES.get(step)
