"""The sharing routes' part of the OpenAPI document (webui/api/sharing.py, D3–D7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.data.grants import SERVICE_MODES
from engine.definitions.forms import FormRegistry

from .blueprint import MAX_ID
from .openapi_schemas import ID, INSTANT, json_body, nullable, object_schema, ref

TEXT = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "\\S"}


def closed(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A body that takes these fields and no others."""
    return {**object_schema(properties, required), "additionalProperties": False}


def _started(description: str) -> dict[str, Any]:
    return {
        **json_body(ref("Reported"), description),
        "headers": {"Location": {"schema": {"type": "string"}, "description": "案件地址"}},
    }


def sharing_paths(_errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`_errors(*statuses)` is the document's references to its shared error answers."""
    grant_id = {
        "name": "grant_id",
        "in": "path",
        "required": True,
        "schema": {**ID, "maximum": MAX_ID},
    }
    resource_id = {**grant_id, "name": "resource_id"}
    return {
        "/api/sharing/requests": {
            "post": {
                "operationId": "requestSharing",
                "summary": "申请共享目录中的资源（D3、D4、D5）：无条件共享即时授权，有条件共享由提供部门 10 个工作日内答复",
                "requestBody": {
                    "required": True,
                    **json_body(ref("SharingRequest"), "申请登记信息"),
                },
                "responses": {
                    "201": _started("已登记：案件编号及其开启的任务"),
                    **_errors(400, 401, 403, 404, 409, 413, 415, 422),
                },
            },
            "get": {
                "operationId": "listSharingRequests",
                "summary": "本单位提出或须答复的共享申请与校核（监测中心、审计员：全部）",
                "responses": {
                    "200": json_body(
                        object_schema(
                            {"requests": {"type": "array", "items": ref("SharingCase")}},
                            ["requests"],
                        ),
                        "共享申请，新的在前",
                    ),
                    **_errors(401),
                },
            },
        },
        "/api/sharing/checks": {
            "post": {
                "operationId": "requestDataCheck",
                "summary": "对已获取的共享数据申请校核（D7）：提供部门 5 个工作日内校核",
                "requestBody": {
                    "required": True,
                    **json_body(
                        closed(
                            {"grant_id": {**ID, "maximum": MAX_ID}, "doubt": TEXT},
                            ["grant_id", "doubt"],
                        ),
                        "授权与疑义",
                    ),
                },
                "responses": {
                    "201": _started("已登记校核申请"),
                    **_errors(400, 401, 403, 404, 413, 415, 422),
                },
            }
        },
        "/api/sharing/grants": {
            "get": {
                "operationId": "listGrants",
                "summary": "本单位获得或提供的共享授权（监测中心、审计员：全部）",
                "responses": {
                    "200": json_body(
                        object_schema(
                            {"grants": {"type": "array", "items": ref("Grant")}}, ["grants"]
                        ),
                        "共享授权，新的在前",
                    ),
                    **_errors(401),
                },
            }
        },
        "/api/sharing/grants/{grant_id}/revoke": {
            "post": {
                "operationId": "revokeGrant",
                "summary": "撤销授权（D6）：提供部门的单位领导或数据资源管理员、监测中心数据资源管理员，须说明理由",
                "parameters": [grant_id],
                "requestBody": {
                    "required": True,
                    **json_body(closed({"reason": TEXT}, ["reason"]), "撤销理由"),
                },
                "responses": {
                    "200": json_body(ref("Grant"), "已撤销的授权"),
                    **_errors(400, 401, 403, 404, 409, 413, 415, 422),
                },
            }
        },
        "/api/catalogue/{resource_id}/data-access": {
            "get": {
                "operationId": "checkDataAccess",
                "summary": "使用数据前核验授权（D6）：无授权、用途或服务方式不符、已撤销均拒绝（403）；均记入访问日志",
                "parameters": [
                    resource_id,
                    {
                        "name": "purpose",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1},
                        "description": "本次使用的用途：须与授权用途一致",
                    },
                    {
                        "name": "service_mode",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "enum": list(SERVICE_MODES)},
                        "description": "服务方式",
                    },
                ],
                "responses": {
                    "200": json_body(ref("DataAccess"), "允许：依据的授权"),
                    **_errors(400, 401, 403, 404, 422),
                },
            }
        },
    }


def sharing_schemas(forms: FormRegistry) -> dict[str, Any]:
    form = {k: v for k, v in forms.schema("sharing_request").items() if k not in ("$schema", "$id")}
    request = {
        **form,
        "properties": {"resource_id": {**ID, "maximum": MAX_ID}, **form["properties"]},
        "required": ["resource_id", *form["required"]],
    }
    text = {"type": ["string", "null"]}
    case = {
        "case_no": {"type": "string", "examples": ["GX20261124-000042"]},
        "case_id": ID,
        "kind": {"type": "string", "enum": ["request", "check"]},
        "status": {"type": "string", "description": "running、granted、refused、checked"},
        "resource_id": nullable("integer"),
        "resource_name": text,
        "requester_unit": text,
        "provider_unit": text,
        "purpose": text,
        "scope": text,
        "data_items": {"type": ["array", "null"], "items": {"type": "string"}},
        "service_mode": text,
        "created_at": INSTANT,
    }
    grant = {
        "id": ID,
        "resource_id": ID,
        "resource_name": {"type": "string"},
        "provider_unit": {"type": "string"},
        "grantee": {"type": "string", "description": "获授权单位代码（外部申请人：用户名）"},
        "purpose": {"type": "string"},
        "scope": {"type": "string"},
        "service_mode": {"type": "string", "enum": list(SERVICE_MODES)},
        "data_items": {"type": "array", "items": {"type": "string"}},
        "granted_at": INSTANT,
        "granted_by": {"type": "string"},
        "revoked_at": {**INSTANT, "type": ["string", "null"]},
        "revoked_by": text,
        "revoke_reason": text,
    }
    access = {
        "allowed": {"type": "boolean", "const": True},
        "grant_id": ID,
        "resource_id": ID,
        "purpose": {"type": "string"},
        "service_mode": {"type": "string"},
        "checked_at": INSTANT,
    }
    return {
        "SharingRequest": request,
        "SharingCase": object_schema(case, list(case)),
        "Grant": object_schema(grant, list(grant)),
        "DataAccess": object_schema(access, list(access)),
    }
