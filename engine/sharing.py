"""Sharing requests (SPEC §4, D3–D7): what a unit may ask for from the catalogue, started as
cases of processes/sharing_request.bpmn; grants revoked and used.

The diagram decides; this module checks what a request may say before its case starts
(the resource published, a service mode it offers, not the unit's own data, no live grant
already covering it) and turns the grant rules of engine/data/grants.py into operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .data import grants
from .definitions.schema_patterns import trimmed
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .models import Grant, Instance, Resource, User
from .people.starting import may_request_sharing
from .people.users import get_user
from .service import CaseRef, Jtflow

PROCESS = grants.PROCESS
CHANNEL = "sharing_request"
REQUEST_FORM = "sharing_request"
SHARE_TYPES = {"unconditional": "无条件共享", "conditional": "有条件共享", "none": "不予共享"}


def find_resource(session: Session, resource_id: int) -> Resource:
    resource = session.get(Resource, resource_id) if 0 < resource_id < 2**31 else None
    if resource is None:
        raise NotFound(f"资源 {resource_id} 不在资源目录中：请从资源目录选择要申请的资源")
    return resource


def requestable(session: Session, user: User) -> list[Resource]:
    """Published resources of other units, by category and name: what a unit may ask for."""
    return list(
        session.scalars(
            select(Resource)
            .where(Resource.status == "published", Resource.provider_unit != user.unit_code)
            .order_by(Resource.category, Resource.name)
            .limit(1000)
        )
    )


def request_sharing(
    jtflow: Jtflow, resource_id: int, form: dict[str, Any], *, requester: str
) -> CaseRef:
    """申请登记 (D3, D4): check the request against its form and the catalogue entry, then
    start its case. A change of purpose or scope is such a new request (D6)."""
    jtflow.forms.validate(REQUEST_FORM, form)
    with jtflow.sessions() as session:
        user = get_user(session, requester)
        resource = find_resource(session, resource_id)
        _may_request(session, user, resource, form)
        facts = {
            "title": f"共享申请：{resource.name}",
            "channel": CHANNEL,
            "urgency": "normal",
            "kind": "request",
            "reporter": user.username,
            "reporter_unit": user.unit_code,
            "grantee": grants.grantee_of(user),
            "resource_id": resource.id,
            "resource_name": resource.name,
            "provider_unit": resource.provider_unit,
            "share_type": resource.share_type,
            "purpose": form["purpose"].strip(),
            "scope": form["scope"].strip(),
            "data_items": [item.strip() for item in form["data_items"]],
            "service_mode": form["service_mode"],
        }
    return jtflow.start_case(PROCESS, facts, starter=requester)


def _may_request(session: Session, user: User, resource: Resource, form: dict[str, Any]) -> None:
    if not may_request_sharing(user):
        raise PermissionDenied(
            f"{user.username} 不能申请共享：由政务部门的办理人、数据资源管理员或单位领导申请（S1、D3）"
        )
    if resource.status != "published":
        raise Conflict(
            f"资源「{resource.name}」尚未在目录中发布，暂不能申请：请待监测中心发布后再申请"
        )
    if resource.provider_unit == user.unit_code:
        raise InvalidInput(f"「{resource.name}」由本单位提供，无需申请共享")
    mode = form["service_mode"]
    if mode not in (resource.share_modes or []):
        offered = "、".join(grants.SERVICE_MODES.get(m, m) for m in resource.share_modes or [])
        raise InvalidInput(
            f"「{resource.name}」不提供「{grants.SERVICE_MODES.get(mode, mode)}」方式："
            f"请选择 {offered or '（无）'} 之一（D6）"
        )
    same = session.scalar(
        select(Grant.id).where(
            Grant.resource_id == resource.id,
            Grant.grantee == grants.grantee_of(user),
            Grant.purpose == form["purpose"].strip(),
            Grant.scope == form["scope"].strip(),
            Grant.service_mode == mode,
            Grant.revoked_at.is_(None),
        )
    )
    if same is not None:
        raise Conflict(
            f"本单位已有「{resource.name}」相同用途、范围和服务方式的授权（授权 {same}），"
            "可直接使用，无需重复申请（D6）"
        )


def request_check(jtflow: Jtflow, grant_id: int, doubt: str, *, requester: str) -> CaseRef:
    """校核 (D7): a unit that holds a grant and doubts the data asks its provider to check it."""
    if not trimmed(doubt):
        raise InvalidInput("请说明对数据的疑义或发现的错误，以便提供部门校核")
    with jtflow.sessions() as session:
        user = get_user(session, requester)
        grant = grants.find_grant(session, grant_id)
        if grant.grantee != grants.grantee_of(user):
            raise PermissionDenied(
                f"授权 {grant_id} 不属于 {user.username} 所在单位，不能据此申请校核"
            )
        resource = find_resource(session, grant.resource_id)
        facts = {
            "title": f"数据校核：{resource.name}",
            "channel": CHANNEL,
            "urgency": "normal",
            "kind": "check",
            "reporter": user.username,
            "reporter_unit": user.unit_code,
            "grantee": grant.grantee,
            "grant_id": grant.id,
            "resource_id": resource.id,
            "resource_name": resource.name,
            "provider_unit": resource.provider_unit,
            "share_type": resource.share_type,
            "doubt": trimmed(doubt),
        }
    return jtflow.start_case(PROCESS, facts, starter=requester)


def revoke(jtflow: Jtflow, grant_id: int, reason: str, *, actor: str) -> Grant:
    """Revoke a grant with its reason (D6), recorded in the request's history."""
    with jtflow.sessions() as session:
        user = get_user(session, actor)
        grant = grants.find_grant(session, grant_id)
        grants.revoke(session, grant, user, reason, jtflow.clock.now())
        session.commit()
        return grant


def revoke_case_grant(jtflow: Jtflow, case_id: int, reason: str, *, actor: str) -> Grant:
    """Revoke the grant a request case made (a replay re-executes revocations by case)."""
    with jtflow.sessions() as session:
        grant = grants.grant_of_case(session, case_id)
        if grant is None:
            raise NotFound(f"案件 {case_id} 没有授权可撤销")
        grant_id = grant.id
    return revoke(jtflow, grant_id, reason, actor=actor)


@dataclass(frozen=True)
class Access:
    grant_id: int
    resource_id: int
    purpose: str
    service_mode: str
    checked_at: datetime


def use_data(
    jtflow: Jtflow, resource_id: int, purpose: str, service_mode: str, *, username: str
) -> Access:
    """使用数据: allowed only under a live grant for this purpose and mode; logged either way."""
    with jtflow.sessions() as session:
        user = get_user(session, username)
        resource = find_resource(session, resource_id)
        now = jtflow.clock.now()
        try:
            grant = grants.check_access(
                session, user, resource, purpose, now, service_mode=service_mode
            )
        finally:
            session.commit()  # the refusal is logged too
        return Access(grant.id, resource.id, grant.purpose, grant.service_mode, now)


def requests_of_unit(session: Session, unit: str | None) -> list[Instance]:
    """The sharing cases a unit made or must answer, newest first: "my unit's requests"
    (None: all, for the center and auditors)."""
    query = select(Instance).where(Instance.channel == CHANNEL)
    if unit is not None:
        facts = Instance.facts
        query = query.where(
            or_(
                facts["reporter_unit"].as_string() == unit,
                facts["provider_unit"].as_string() == unit,
            )
        )
    return list(session.scalars(query.order_by(Instance.id.desc()).limit(500)))
