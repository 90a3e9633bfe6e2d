"""A2, data-resource management per unit (standard 第五节1, SPEC A2), from the records the
data processes keep: the catalogue (engine/data/), sharing requests and 校核
(processes/sharing_request.bpmn) and market applications' provider reviews
(processes/market_application.bpmn). A figure with no records behind it is None — never a
zero or a guess.

- Catalogue completeness: entries with every D1 field filled (使用要求, 共享方式 …) and
  published, of all the unit's entries; and whether it has a data administrator (O5).
  As of now: the catalogue keeps no per-period state.
- Update timeliness: published entries not past their 更新时限 (engine/data/overdue.py), of
  those that have one; as of now.
- Replies within 10 WD (D4, M3): the provider's answers to requests that reached it in the
  period, done on time ÷ (on time + late or open past due).
- Refusals, and refusals without a reason (D4: a refusal states its reason).
- 校核 (D7): requests that reached the unit in the period, answered, answered in time.
- Interface notices (O1, O3; processes/interface_notice.bpmn): those the unit filed in the
  period, and those filed late (a stop notified less than 3 WD ahead, a fault more than
  1 WD after its discovery), as recorded when each was filed.
- New knowledge (O2; processes/knowledge_revision.bpmn): the changes of duty or policy
  registered for the unit in the period, and those whose 报送新知识 came late (done after
  its deadline, or still open past it) — 5 WD from the change, on the calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.orm import Session

import engine.assessment.scope as s  # the module, not the package (no import circle)

from ..data.overdue import MONTHS, WORKING_DAYS, overdue_of_unit
from ..models import DataAdministrator, Instance, Resource, Task
from ..time.calendar import WorkingCalendar
from .event_figures import Ratio, count_of
from .scope import Scope

DATA_CHANNELS = ("sharing_request", "market_application")
NOTICES = "interface_notice"  # the channel of interface notices (engine/notices.py)
KNOWLEDGE = "knowledge_revision"  # the channel of knowledge cases (engine/knowledge.py)
SUBMIT = "submit"  # 报送新知识, due 5 WD after the change (O2)
REPLIES = ("reply", "provider_review")  # the provider's answer (D4, M3)
CHECK = "check_data"  # the provider's 校核 (D7)
HAS_PERIOD = (*WORKING_DAYS, "weekly", *MONTHS)  # 更新时限 with a deadline


@dataclass
class UnitData:
    unit: str
    entries: int = 0
    complete: int = 0  # published with every D1 field filled
    administrator: bool = False  # O5: a data administrator registered and in office
    with_deadline: int = 0  # published entries with an 更新时限
    overdue: int = 0  # … past it now
    replies: Ratio = field(default_factory=Ratio)
    refusals: int = 0
    refusals_without_reason: int = 0
    checks: int = 0
    checks_answered: int = 0
    checks_on_time: int = 0
    notices: int = 0  # interface notices filed (O1, O3)
    late_notices: int = 0  # … of them late
    knowledge: int = 0  # changes of duty or policy whose new knowledge was due (O2)
    late_knowledge: int = 0  # … submitted late, or still not submitted past the deadline

    @property
    def completeness(self) -> float | None:
        return None if self.entries == 0 else self.complete / self.entries

    @property
    def timeliness(self) -> float | None:
        return None if self.with_deadline == 0 else 1 - self.overdue / self.with_deadline


def _blank(column: Any) -> ColumnElement[bool]:
    return or_(column.is_(None), func.trim(column) == "")


def data_figures(session: Session, calendar: WorkingCalendar, scope: Scope) -> dict[str, UnitData]:
    units: dict[str, UnitData] = {}

    def unit(code: str) -> UnitData:
        return units.setdefault(code, UnitData(code))

    filled = and_(
        Resource.status == "published",
        not_(_blank(Resource.usage_requirements)),
        not_(_blank(Resource.share_scope)),
        not_(_blank(Resource.source_system)),
        not_(_blank(Resource.data_format)),
    )
    catalogue = select(
        Resource.provider_unit,
        func.count(),
        count_of(filled),
        count_of(and_(Resource.status == "published", Resource.update_period.in_(HAS_PERIOD))),
    ).group_by(Resource.provider_unit)
    if scope.unit:
        catalogue = catalogue.where(Resource.provider_unit == scope.unit)
    for code, entries, complete, with_deadline in session.execute(catalogue):
        figures = unit(code)
        figures.entries, figures.complete = entries, int(complete or 0)
        figures.with_deadline = int(with_deadline or 0)
        figures.overdue = len(overdue_of_unit(session, calendar, code, scope.now))
    in_office = select(DataAdministrator.unit_code).where(DataAdministrator.ended_at.is_(None))
    for (code,) in session.execute(in_office):
        if code in units:
            units[code].administrator = True
    _answers(session, scope, unit)
    _notices(session, scope, unit)
    _knowledge(session, scope, unit)
    return dict(sorted(units.items()))


def _notices(session: Session, scope: Scope, unit: Callable[[str], UnitData]) -> None:
    """The interface notices each unit filed in the period, and the late ones (O1, O3)."""
    filer = Instance.facts["reporter_unit"].as_string()
    late = Instance.facts["notice_late"].as_boolean() == True  # noqa: E712 - SQL, not Python
    query = (
        select(filer, func.count(), count_of(late))
        .where(
            Instance.channel == NOTICES,
            Instance.created_at >= scope.period.start,
            Instance.created_at < scope.period.end,
        )
        .group_by(filer)
    )
    if scope.unit:
        query = query.where(filer == scope.unit)
    for code, count, late_count in session.execute(query):
        figures = unit(code)
        figures.notices, figures.late_notices = count, int(late_count or 0)


def _knowledge(session: Session, scope: Scope, unit: Callable[[str], UnitData]) -> None:
    """The changes registered for each unit in the period, and those whose new knowledge
    came late or is still missing past its deadline (O2), from the submission's task rows."""
    owner = Instance.facts["unit_code"].as_string()
    late_submission = (
        select(Task.id)
        .where(
            Task.instance_id == Instance.id,
            Task.element_id == SUBMIT,
            Task.due_at.is_not(None),
            or_(
                Task.completed_at > Task.due_at,
                and_(Task.state == "open", Task.due_at <= scope.now),
            ),
        )
        .exists()
    )
    query = (
        select(owner, func.count(), count_of(late_submission))
        .where(
            Instance.channel == KNOWLEDGE,
            Instance.facts["kind"].as_string() == "policy_change",
            Instance.created_at >= scope.period.start,
            Instance.created_at < scope.period.end,
        )
        .group_by(owner)
    )
    if scope.unit:
        query = query.where(owner == scope.unit)
    for code, count, late_count in session.execute(query):
        figures = unit(code)
        figures.knowledge, figures.late_knowledge = count, int(late_count or 0)


def _answers(session: Session, scope: Scope, unit: Callable[[str], UnitData]) -> None:
    now = scope.now
    reason = func.coalesce(Task.data["reason"].as_string(), "")
    refused = or_(
        Task.data["agree"].as_boolean() == False,  # noqa: E712 - SQL, not Python
        Task.data["approved"].as_boolean() == False,  # noqa: E712
    )
    where = [  # from the data cases, which are few, to their tasks (ix_task_instance)
        Task.instance_id.in_(select(Instance.id).where(Instance.channel.in_(DATA_CHANNELS))),
        Task.created_at >= scope.period.start,
        Task.created_at < scope.period.end,
        Task.state != "cancelled",
        Task.element_id.in_((*REPLIES, CHECK)),
    ]
    if scope.unit:
        where.append(Task.unit_code == scope.unit)
    completed = Task.state == "completed"
    rows = session.execute(
        select(
            Task.unit_code,
            Task.element_id,
            func.count(),
            count_of(s.on_time()),
            count_of(s.late(now)),
            count_of(and_(completed, refused)),
            count_of(and_(completed, refused, func.trim(reason) == "")),
            count_of(completed),
        )
        .where(*where)
        .group_by(Task.unit_code, Task.element_id)
    )
    for code, element, count, on_time, late, refusals, bare, done in rows:
        figures = unit(code)
        if element in REPLIES:
            figures.replies.on_time += int(on_time or 0)
            figures.replies.late += int(late or 0)
            figures.refusals += int(refusals or 0)
            figures.refusals_without_reason += int(bare or 0)
        else:
            figures.checks += count
            figures.checks_answered += int(done or 0)
            figures.checks_on_time += int(on_time or 0)
