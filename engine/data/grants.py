"""Grants of shared data (D3–D6): made when a sharing request ends granted, revoked with a
reason, and checked on every use.

A grant is written by the step that grants it (a write hook, engine/run/runtime.py), so
the grant and the case's end commit together, and it is recorded in the request's history
chain (`share_granted`, later `grant_revoked`), so `audit verify` and a replay vouch for it.
A grant is bound to its purpose, scope and service mode: there is no edit, only a new
request (D6, M4).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions.schema_patterns import trimmed
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..models import Grant, Resource, User
from ..people.access_rule import CENTER
from ..people.accounts import log_access
from ..run.history import append_to_ended_case
from ..run.runtime import Loaded
from ..time.clock import parse_instant

PROCESS = "sharing_request"
SERVICE_MODES = {
    "api": "接口交换",
    "download": "文件下载",
    "browse": "在线浏览",
    "offline": "离线交换",
}
REVOKERS = ("单位领导", "数据资源管理员")  # of the providing unit
CENTER_REVOKERS = ("数据资源管理岗", "数据资源管理员")  # the center's catalogue post and data admin
EXTERNAL = "EXTERNAL"  # an external applicant's grants are its own, not its "unit's"


def grantee_of(user: User) -> str:
    """Who holds a grant: a government unit as a whole (D4), an external applicant itself (M3)."""
    return user.username if user.unit_code == EXTERNAL else user.unit_code


def end_data(loaded: Loaded) -> dict[str, Any]:
    """The workflow's data where it ended: the answers the deciding steps gave."""
    for task in loaded.workflow.get_tasks(state=TaskState.COMPLETED, max_depth=10**9):
        spec = task.task_spec
        if type(spec).__name__ == "EndEvent" and spec.extensions.get("properties", {}).get(
            "case_status"
        ):
            return dict(task.data)
    return {}


def grant_when_granted(session: Session, loaded: Loaded, now: datetime, actor: str) -> None:
    """The write hook: a sharing request that ends `granted` in this step gets its grant, as
    requested — purpose, scope, service mode, data items (D6) — and the grant in its chain."""
    instance = loaded.instance
    facts = instance.facts or {}
    if facts.get("process") != PROCESS or instance.ended_at != now:
        return
    if instance.status != "granted":
        return
    grant = Grant(
        resource_id=int(facts["resource_id"]),
        instance_id=instance.id,
        grantee=str(facts["grantee"]),
        purpose=str(facts["purpose"]),
        scope=str(facts["scope"]),
        service_mode=str(facts["service_mode"]),
        data_items=list(facts["data_items"]),
        granted_at=now,
        granted_by=actor,
    )
    session.add(grant)
    loaded.history.append(
        "share_granted",
        at=now,
        actor=actor,
        data={
            "resource_id": grant.resource_id,
            "grantee": grant.grantee,
            "purpose": grant.purpose,
            "scope": grant.scope,
            "service_mode": grant.service_mode,
            "data_items": grant.data_items,
        },
    )


STEP_FIELDS = ("resource_id", "grantee", "purpose", "scope", "service_mode", "data_items")


def grant_in_step(
    session: Session, loaded: Loaded, fields: dict[str, Any], *, by: str, now: datetime
) -> Grant:
    """A grant made by a step in the middle of a case (a market application's 办理授权并备案,
    M3): the step's `grant` property gives its fields, bound to purpose, scope, service mode
    and the period of use (`valid_until`); written and chained with the step."""
    missing = [name for name in STEP_FIELDS if fields.get(name) in (None, "", [])]
    if missing:
        raise InvalidInput(f"授权缺少 {'、'.join(missing)}：请检查流程图中 grant 属性的表达式")
    until = fields.get("valid_until")
    grant = Grant(
        resource_id=int(fields["resource_id"]),
        instance_id=loaded.instance.id,
        grantee=str(fields["grantee"]),
        purpose=str(fields["purpose"]),
        scope=str(fields["scope"]),
        service_mode=str(fields["service_mode"]),
        data_items=list(fields["data_items"]),
        granted_at=now,
        granted_by=by,
        valid_until=parse_instant(str(until)) if until else None,
    )
    session.add(grant)
    loaded.history.append(
        "share_granted",
        at=now,
        actor=by,
        data={name: fields[name] for name in (*STEP_FIELDS, "valid_until") if name in fields},
    )
    return grant


def grant_of_case(session: Session, instance_id: int) -> Grant | None:
    return session.scalar(select(Grant).where(Grant.instance_id == instance_id))


def may_revoke(session: Session, user: User, grant: Grant) -> bool:
    """The providing unit's leader or data administrator, or the center's 数据资源管理岗 or
    data administrator (D6)."""
    resource = session.get(Resource, grant.resource_id)
    unit = resource.provider_unit if resource is not None else None
    roles = set(user.roles or [])
    if user.unit_code == CENTER:
        return bool(roles & set(CENTER_REVOKERS))
    return user.unit_code == unit and bool(roles & set(REVOKERS))


def revoke(session: Session, grant: Grant, user: User, reason: str, now: datetime) -> None:
    """Revoke a grant with its reason, recorded in the request's history chain. The caller
    commits; the request case (ended) is changed only by this event and its chain head."""
    if not may_revoke(session, user, grant):
        raise PermissionDenied(
            f"{user.username} 无权撤销授权 {grant.id}：由提供部门的单位领导或数据资源管理员，"
            "或监测中心数据资源管理岗撤销（D6）"
        )
    if not trimmed(reason):
        raise InvalidInput("撤销授权须说明理由：请填写撤销理由")
    if grant.revoked_at is not None:
        raise Conflict(f"授权 {grant.id} 已于 {grant.revoked_at.isoformat()} 撤销，无需重复撤销")
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, user.username, trimmed(reason)
    append_to_ended_case(
        session,
        grant.instance_id,
        "grant_revoked",
        at=now,
        actor=user.username,
        data={"grant_id": grant.id, "reason": grant.revoke_reason},
    )


def check_access(
    session: Session,
    user: User,
    resource: Resource,
    purpose: str,
    now: datetime,
    *,
    service_mode: str | None = None,
    scope: str | None = None,
) -> Grant:
    """The grant that lets `user` use `resource` for `purpose` now — through `service_mode`
    and within `scope` where the use names them (D6; M4 for a market grant) — else
    PermissionDenied saying why and what to do. Both outcomes go to the access log (S1);
    the caller commits, also after a refusal."""
    target = ("resource", str(resource.id))
    grants = list(
        session.scalars(
            select(Grant)
            .where(Grant.resource_id == resource.id, Grant.grantee == grantee_of(user))
            .order_by(Grant.id.desc())
        )
    )
    live = [g for g in grants if g.revoked_at is None and (g.valid_until or now) >= now]
    matching = [
        g
        for g in live
        if g.purpose == purpose
        and service_mode in (None, g.service_mode)
        and scope in (None, g.scope)
    ]
    if matching:
        grant = matching[0]
        detail = f"grant {grant.id}: {purpose} / {service_mode or scope}"
        log_access(
            session, now, user.username, "use_data", allowed=True, target=target, detail=detail
        )
        return grant
    external = user.unit_code == EXTERNAL
    reason = _refusal(grants, live, purpose, service_mode, scope, resource, external)
    log_access(session, now, user.username, "use_data", allowed=False, target=target, detail=reason)
    raise PermissionDenied(reason)


def _refusal(
    grants: list[Grant],
    live: list[Grant],
    purpose: str,
    mode: str | None,
    scope: str | None,
    resource: Resource,
    external: bool,
) -> str:
    if not grants:
        if external:
            return f"您没有「{resource.name}」的使用授权：请先提交市场化应用申请（M1）"
        return f"本单位没有「{resource.name}」的共享授权：请先从资源目录提交共享申请（D3、D4）"
    if not live:
        return (
            f"对「{resource.name}」的授权已撤销或使用周期已结束：如仍需使用，请重新申请（D6、M4）"
        )
    if not any(g.purpose == purpose for g in live):
        return (
            f"「{resource.name}」的授权用途与本次用途不符：用于其他目的须重新申请，"
            "不得改变用途使用（D6、M4）"
        )
    if scope is not None and not any(g.scope == scope for g in live if g.purpose == purpose):
        return f"本次使用超出「{resource.name}」授权的范围：范围变化须重新申请核准（D6、M4）"
    wanted = SERVICE_MODES.get(mode or "", mode)
    return (
        f"「{resource.name}」未授权以「{wanted}」方式使用：请按授权的服务方式使用，或重新申请（D6）"
    )


def grants_of_unit(session: Session, unit: str | None) -> list[tuple[Grant, Resource]]:
    """The grants a unit holds or provides, newest first: its page of grants (None: all,
    for the center and auditors)."""
    query = select(Grant, Resource).join(Resource, Resource.id == Grant.resource_id)
    if unit is not None:
        query = query.where((Grant.grantee == unit) | (Resource.provider_unit == unit))
    rows = session.execute(query.order_by(Grant.id.desc()).limit(500))
    return [(g, r) for g, r in rows]


def find_grant(session: Session, grant_id: int) -> Grant:
    grant = session.get(Grant, grant_id) if 0 < grant_id < 2**31 else None
    if grant is None:
        raise NotFound(f"授权 {grant_id} 不存在：请从共享授权列表打开")
    return grant
