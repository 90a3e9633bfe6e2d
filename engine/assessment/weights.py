"""The score's weights (A1, A5): the standard asks for a quantified assessment (第五节 2.1)
but gives no weights, so the bureau sets them; these defaults stand until it does.

Each weight multiplies one indicator's share of good outcomes (0 to 1); the score is the
weighted mean × 100 over the indicators that have data. `closure_target_wd` is not a weight:
a case closed within that many working days of its transfer counts as closed in time.
Set with `jtflow assessment weight NAME VALUE --as USER` (管理员 or 分管领导); every change is
kept (engine.models.AssessmentWeight) and the newest of a name is in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput, PermissionDenied
from ..models import AssessmentWeight
from ..people.users import get_user

# name → (default, what it weighs)
DEFAULTS: dict[str, tuple[float, str]] = {
    "sign_for_on_time": (15, "按时签收率"),
    "feedback_on_time": (25, "按时反馈率"),
    "no_yellow": (5, "未亮黄灯的步骤占比"),
    "no_red": (15, "未亮红灯的步骤占比"),
    "no_return": (10, "未被退件的案件占比"),
    "no_repeated_return": (10, "未被两次以上退件的案件占比（第五节 2.3.3）"),
    "no_escalation": (10, "每件未被催办的比例（1 − 催办数/收件数，不低于 0）"),
    "closed_in_target": (10, "在目标工作日内办结的案件占比"),
    "closure_target_wd": (10, "办结目标（工作日，自转办起；默认同一般事件的反馈时限）"),
    "drag_on_wd": (5, "久拖不结：答复或协办意见超过时限的工作日数（第五节 2.3.4）"),
}
TARGETS = ("closure_target_wd", "drag_on_wd")
SETTERS = ("管理员", "分管领导")


@dataclass(frozen=True)
class Weight:
    name: str
    value: float
    label: str
    set_at: datetime | None  # None: the default
    set_by: str | None


def current_weights(session: Session) -> dict[str, Weight]:
    newest = (
        select(func.max(AssessmentWeight.id))
        .where(AssessmentWeight.name.in_(list(DEFAULTS)))
        .group_by(AssessmentWeight.name)
    )
    found = {
        row.name: row
        for row in session.scalars(select(AssessmentWeight).where(AssessmentWeight.id.in_(newest)))
    }
    weights = {}
    for name, (default, label) in DEFAULTS.items():
        row = found.get(name)
        weights[name] = (
            Weight(name, row.value, label, row.set_at, row.set_by)
            if row
            else Weight(name, float(default), label, None, None)
        )
    return weights


def set_weight(
    session: Session, name: str, value: float, *, by: str, now: datetime, note: str | None = None
) -> Weight:
    """Record a new weight (the caller commits)."""
    user = get_user(session, by)
    if not set(user.roles or []) & set(SETTERS):
        raise PermissionDenied(f"{by} 不能设定考核权重：需{'或'.join(SETTERS)}")
    if name not in DEFAULTS:
        known = "、".join(DEFAULTS)
        raise InvalidInput(f"没有名为 {name} 的权重：可设定 {known}", [FieldError("name", known)])
    if not 0 <= value <= 1000 or (name in TARGETS and value <= 0):
        how = "目标应大于 0" if name in TARGETS else "权重应在 0 至 1000 之间"
        raise InvalidInput(f"{name} = {value}：{how}", [FieldError("value", how)])
    session.add(AssessmentWeight(name=name, value=value, set_at=now, set_by=by, note=note))
    session.flush()
    return current_weights(session)[name]
