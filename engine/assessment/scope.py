"""What A1 counts: the event lifecycle's tasks of one period (and unit), and the predicates
that say a step was on time, late, yellow or red (E12) — one home for the figures and for
the lists of the cases behind them, so a figure and its list never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, false, func, not_, or_, select

from ..models import Instance, Task
from ..people.reference import INTAKE_POST
from ..time.clock import to_utc
from .periods import Period

# The lifecycle's cases are those reported on an event channel (engine.sharing and
# engine.market start theirs on channels of their own).
EVENT_CHANNELS = (*INTAKE_POST, "patrol")
SIGN_FOR = "sign_for"  # E5
FEEDBACK = ("handle_reply", "co_handle")  # E6: the lead unit's reply, a co-handler's opinion
CENTER_AUDIT = "center_audit"  # E10: the center returns (退件) a non-conforming reply
# The lifecycle reaches one of these the instant the center closes the case (办结, E1): the
# answer to the source platform, the revisit or the archive.
CLOSED_BY = ("answer_platform", "revisit", "archive")
URGENT = ("critical", "urgent")  # E7: an overdue step of theirs is also overseen (督办)
# watched steps whose red is a light only, opening no 催办 (tools/draw_lifecycle.py's timers
# with escalate=False): the reminders themselves and the center's and the bureau's own steps
REMINDERS = ("press", "oversee")
NOT_ESCALATED = (
    *REMINDERS,
    "remit_decision",
    "retransfer",
    "supervise",
    "coordinate",
    "office_review",
    "answer_platform",
    "revisit",
    "archive",
    "deputy_approve",
    "center_audit",
)


@dataclass(frozen=True)
class Scope:
    """One period (and optionally one unit), judged as of `now`."""

    period: Period
    now: datetime
    unit: str | None = None

    def __post_init__(self) -> None:
        # in UTC: SQLite compares the stored UTC text with a bound instant as written, and
        # an instant bound where no UTC column gives its type keeps its own zone's clock
        object.__setattr__(self, "now", to_utc(self.now))


def counted_tasks(scope: Scope) -> list[ColumnElement[bool]]:
    """The tasks A1 counts: the lifecycle's, opened in the period, not cancelled. Other
    processes' cases are few (data requests), so they are left out by an anti-join on their
    ids, read once from the case index; the task rows are then counted on
    ix_task_assessment alone."""
    others = select(Instance.id).where(Instance.channel.not_in(EVENT_CHANNELS))
    where = [
        Task.created_at >= scope.period.start,
        Task.created_at < scope.period.end,
        Task.state != "cancelled",
        Task.instance_id.not_in(others),
    ]
    if scope.unit:
        where.append(Task.unit_code == scope.unit)
    return where


def escalated() -> ColumnElement[bool]:
    """A step whose fired deadline opened a 催办 (and in an urgent case a 督办): red, and not
    a step whose red is a light only (E12, E7)."""
    return and_(Task.light == "red", Task.element_id.not_in(NOT_ESCALATED))


def late(now: datetime) -> ColumnElement[bool]:
    """Done after its deadline, or still open past it. (Every comparison is made NULL-safe:
    a NULL inside NOT would drop the row from both a figure and its complement.)"""
    overdue = and_(Task.state == "open", Task.due_at.is_not(None), Task.due_at < now)
    return or_(func.coalesce(Task.late_seconds, 0) > 0, overdue)


def on_time() -> ColumnElement[bool]:
    return and_(Task.state == "completed", func.coalesce(Task.late_seconds, 0) <= 0)


def red(now: datetime) -> ColumnElement[bool]:
    """E12's red: the deadline timer fired (the light recorded), or the step overran."""
    return and_(Task.due_at.is_not(None), or_(Task.light == "red", late(now)))


def yellow(now: datetime) -> ColumnElement[bool]:
    """Yellow and never red: the warning came (recorded, or its instant passed while open)."""
    passed = and_(Task.warn_at.is_not(None), Task.warn_at <= func.coalesce(Task.completed_at, now))
    warned = or_(Task.light == "yellow", passed)
    return and_(Task.due_at.is_not(None), not_(red(now)), warned)


def green(now: datetime) -> ColumnElement[bool]:
    return and_(Task.due_at.is_not(None), not_(red(now)), not_(yellow(now)))


LIGHTS = ("green", "yellow", "red")


def timing_class(now: datetime) -> ColumnElement[int]:
    """1 done on time, 2 late, 0 pending (open, not yet due)."""
    return case((on_time(), 1), (late(now), 2), else_=0)


def light_class(now: datetime) -> ColumnElement[int]:
    """A watched step's light: 1 green, 2 yellow, 3 red; 0 for a step without a deadline."""
    return case((red(now), 3), (yellow(now), 2), (Task.due_at.is_not(None), 1), else_=0)


def light(name: str, now: datetime) -> ColumnElement[bool]:
    return {"green": green, "yellow": yellow, "red": red}[name](now)


def returned() -> ColumnElement[bool]:
    """A center audit that returned the reply (E10: `accepted` false)."""
    return and_(
        Task.element_id == CENTER_AUDIT,
        Task.state == "completed",
        Task.data["accepted"].as_boolean() == false(),
    )
