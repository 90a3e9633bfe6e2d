"""Sharing over the API (D3–D7): request a resource, list the unit's requests and grants,
revoke a grant, ask for a 校核, and check access before using data (logged either way)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine import sharing as service
from engine.data import grants
from engine.errors import FormInvalid
from engine.models import Grant, Instance, Resource
from engine.people.access_rule import CENTER, check_may_change, reads_everything

from ..extensions import current_jtflow, request_session
from .blueprint import MAX_ID, api
from .bodies import Query, json_object
from .problems import ApiError, with_choices
from .shapes import started


def _id(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, float) and value.is_integer():  # 42.0 is an integer in JSON Schema
        value = int(value)
    if type(value) is not int or not 1 <= value <= MAX_ID:
        raise ApiError(422, "invalid", f"{name} 应为 1 到 {MAX_ID} 之间的整数")
    return value


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or "\x00" in value:
        raise ApiError(422, "invalid", f"{name} 应为文本（不含 NUL 字符）")
    return value


def _only(body: dict[str, Any], *names: str) -> None:
    extra = sorted(set(body) - set(names))
    if extra:
        raise ApiError(
            422, "invalid", f"不认识的字段 {'、'.join(extra)[:200]}：只接受 {'、'.join(names)}"
        )


def _everything() -> bool:
    return reads_everything(g.user) or g.user.unit_code == CENTER


@api.post("/sharing/requests")
def request_sharing() -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    body = json_object()
    resource_id = _id(body, "resource_id")
    form = {k: v for k, v in body.items() if k != "resource_id"}
    try:
        ref = service.request_sharing(engine, resource_id, form, requester=g.user.username)
    except FormInvalid as e:
        raise with_choices(e, engine.forms.schema(service.REQUEST_FORM)) from None
    return started(ref)


@api.post("/sharing/checks")
def request_check() -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    body = json_object()
    _only(body, "grant_id", "doubt")
    grant_id, doubt = _id(body, "grant_id"), _text(body, "doubt")
    ref = service.request_check(engine, grant_id, doubt, requester=g.user.username)
    return started(ref)


@api.get("/sharing/requests")
def list_requests() -> Any:
    """The unit's sharing cases, made or to answer (the center and auditors: all)."""
    with request_session() as db:
        unit = None if _everything() else g.user.unit_code
        return {"requests": [request_json(c) for c in service.requests_of_unit(db, unit)]}


@api.get("/sharing/grants")
def list_grants() -> Any:
    with request_session() as db:
        unit = None if _everything() else g.user.unit_code
        return {"grants": [grant_json(gr, r) for gr, r in grants.grants_of_unit(db, unit)]}


@api.post("/sharing/grants/<int:grant_id>/revoke")
def revoke(grant_id: int) -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    body = json_object()
    _only(body, "reason")
    reason = _text(body, "reason")
    if grant_id > MAX_ID:
        raise ApiError(404, "not_found", f"授权 {grant_id} 不存在")
    grant = service.revoke(engine, grant_id, reason, actor=g.user.username)
    with request_session() as db:
        resource = db.get(Resource, grant.resource_id)
        assert resource is not None
        return grant_json(grant, resource)


@api.get("/catalogue/<int:resource_id>/data-access")
def data_access(resource_id: int) -> Any:
    """May this user use the resource now, for this purpose, through this mode? (D6; 403
    and logged when not)."""
    query = Query()
    purpose = query.text("purpose")
    mode = query.choice("service_mode", tuple(grants.SERVICE_MODES))
    query.check()
    if purpose is None or mode is None:
        raise ApiError(422, "invalid", "请给出 purpose（使用用途）和 service_mode（服务方式）")
    if resource_id > MAX_ID:
        raise ApiError(404, "not_found", f"资源 {resource_id} 不在资源目录中")
    access = service.use_data(
        current_jtflow(), resource_id, purpose, mode, username=g.user.username
    )
    return {
        "allowed": True,
        "grant_id": access.grant_id,
        "resource_id": access.resource_id,
        "purpose": access.purpose,
        "service_mode": access.service_mode,
        "checked_at": access.checked_at.isoformat(),
    }


def request_json(case: Instance) -> dict[str, Any]:
    facts = case.facts or {}
    return {
        "case_no": case.case_no,
        "case_id": case.id,
        "kind": facts.get("kind", "request"),
        "status": case.status,
        "resource_id": facts.get("resource_id"),
        "resource_name": facts.get("resource_name"),
        "requester_unit": facts.get("reporter_unit"),
        "provider_unit": facts.get("provider_unit"),
        "purpose": facts.get("purpose"),
        "scope": facts.get("scope"),
        "data_items": facts.get("data_items"),
        "service_mode": facts.get("service_mode"),
        "created_at": case.created_at.isoformat(),
    }


def grant_json(grant: Grant, resource: Resource) -> dict[str, Any]:
    def iso(instant: Any) -> str | None:
        return instant.isoformat() if instant is not None else None

    return {
        "id": grant.id,
        "resource_id": grant.resource_id,
        "resource_name": resource.name,
        "provider_unit": resource.provider_unit,
        "grantee": grant.grantee,
        "purpose": grant.purpose,
        "scope": grant.scope,
        "service_mode": grant.service_mode,
        "data_items": grant.data_items,
        "granted_at": iso(grant.granted_at),
        "granted_by": grant.granted_by,
        "revoked_at": iso(grant.revoked_at),
        "revoked_by": grant.revoked_by,
        "revoke_reason": grant.revoke_reason,
    }
