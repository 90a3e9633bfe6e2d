"""What a sharing request's chain says its grant row must hold (S2): pages and access checks
read `data_grant`, so `audit verify` folds each request's `share_granted` and `grant_revoked`
events and names a grant row edited, added or deleted behind the engine's back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Grant, HistoryEvent, Instance

GRANTED = ("resource_id", "grantee", "purpose", "scope", "service_mode", "data_items")
FIELD_NAMES = {
    "resource_id": "资源",
    "grantee": "获授权单位",
    "purpose": "使用用途",
    "scope": "共享范围",
    "service_mode": "服务方式",
    "data_items": "数据项",
    "granted_at": "授权时间",
    "granted_by": "授权人",
    "revoked_at": "撤销时间",
    "revoked_by": "撤销人",
    "revoke_reason": "撤销理由",
}


@dataclass(frozen=True)
class GrantDisagrees:
    case_no: str
    grant_id: int | None
    reason: str


def grants_disagree(session: Session, case_id: int | None = None) -> list[GrantDisagrees]:
    """Every grant row that its request's chain does not say, and every grant the chain
    made whose row is gone."""
    events = select(HistoryEvent).where(HistoryEvent.kind.in_(("share_granted", "grant_revoked")))
    grants = select(Grant)
    if case_id is not None:
        events = events.where(HistoryEvent.instance_id == case_id)
        grants = grants.where(Grant.instance_id == case_id)
    by_case: dict[int, list[HistoryEvent]] = {}
    for event in session.scalars(events.order_by(HistoryEvent.instance_id, HistoryEvent.seq)):
        by_case.setdefault(event.instance_id, []).append(event)
    rows = {grant.instance_id: grant for grant in session.scalars(grants)}
    cases = select(Instance.id, Instance.case_no).where(
        Instance.id.in_(by_case.keys() | rows.keys())
    )
    numbers = {id: case_no for id, case_no in session.execute(cases)}
    found = []
    for instance_id in sorted(by_case.keys() | rows.keys()):
        case_no = numbers.get(instance_id) or f"#{instance_id}"
        grant = rows.get(instance_id)
        for reason in _disagreements(grant, by_case.get(instance_id, [])):
            found.append(GrantDisagrees(case_no, grant.id if grant else None, reason))
    return found


def _disagreements(grant: Grant | None, events: list[HistoryEvent]) -> Iterator[str]:
    granted = next((e for e in events if e.kind == "share_granted"), None)
    revoked = next((e for e in events if e.kind == "grant_revoked"), None)
    if grant is None:
        if granted is not None:
            yield f"第 {granted.seq} 条事件授予的共享授权没有授权记录（授权记录被删除）"
        return
    if granted is None:
        yield f"授权 {grant.id} 在其申请的历史中没有授权事件（授权记录被添加或改动）"
        return
    expected: dict[str, Any] = {name: (granted.data or {}).get(name) for name in GRANTED}
    expected.update(granted_at=granted.at, granted_by=granted.actor)
    if revoked is None:
        expected.update(revoked_at=None, revoked_by=None, revoke_reason=None)
    else:
        reason = (revoked.data or {}).get("reason")
        expected.update(revoked_at=revoked.at, revoked_by=revoked.actor, revoke_reason=reason)
    for name, value in expected.items():
        if getattr(grant, name) != value:
            seq = revoked.seq if revoked is not None and name.startswith("revoke") else granted.seq
            yield f"授权 {grant.id} 的{FIELD_NAMES[name]}与第 {seq} 条事件记录的不符（授权记录被改动）"
            return
