"""The interface notices' part of the OpenAPI document (webui/api/notices.py, O1, O3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.definitions.forms import FormRegistry
from engine.notices import KINDS

from .openapi_schemas import ID, INSTANT, json_body, object_schema, ref


def notices_paths(_errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`_errors(*statuses)` is the document's references to its shared error answers."""
    return {
        "/api/notices": {
            "post": {
                "operationId": "fileNotice",
                "summary": "报送接口停用或故障通知（O1、O3）：本单位已发布的目录资源；升级停用提前 3 个工作日，"
                "故障或不可抗力 1 个工作日内，逾期的照收并记为逾期",
                "requestBody": {"required": True, **json_body(ref("InterfaceNotice"), "通知")},
                "responses": {
                    "201": {
                        **json_body(ref("Reported"), "已登记：案件编号及其开启的任务"),
                        "headers": {
                            "Location": {"schema": {"type": "string"}, "description": "案件地址"}
                        },
                    },
                    **_errors(400, 401, 403, 413, 415, 422),
                },
            },
            "get": {
                "operationId": "listNotices",
                "summary": "本单位的接口通知（监测中心、审计员：全部），新的在前；late=true 只列逾期通知（A2）",
                "parameters": [
                    {
                        "name": "late",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["true", "false"]},
                        "description": "true：只列逾期的通知；false：只列按时的",
                    }
                ],
                "responses": {
                    "200": json_body(
                        object_schema(
                            {"notices": {"type": "array", "items": ref("NoticeCase")}},
                            ["notices"],
                        ),
                        "接口通知，新的在前",
                    ),
                    **_errors(400, 401),
                },
            },
        }
    }


def notices_schemas(forms: FormRegistry) -> dict[str, Any]:
    form = {
        k: v for k, v in forms.schema("interface_notice").items() if k not in ("$schema", "$id")
    }
    instant = {**INSTANT, "type": ["string", "null"]}
    case = {
        "case_no": {"type": "string", "examples": ["TZ20261124-000042"]},
        "case_id": ID,
        "status": {"type": "string", "description": "running（资源显示中断）、completed"},
        "kind": {"type": "string", "enum": list(KINDS)},
        "interface_name": {"type": "string"},
        "unit": {"type": "string", "description": "报送单位代码"},
        "resource_ids": {"type": "array", "items": {"type": "integer"}},
        "resource_names": {"type": "array", "items": {"type": "string"}},
        "stop_at": instant,
        "planned_resume": instant,
        "discovered_at": instant,
        "late": {
            "type": "boolean",
            "description": "通知是否逾期（升级停用不足 3 个工作日，故障超过 1 个工作日）",
        },
        "deadline": {
            **INSTANT,
            "description": "升级停用：按时通知可停用的最早时刻；故障：最迟通知时刻",
        },
        "created_at": INSTANT,
    }
    return {"InterfaceNotice": form, "NoticeCase": object_schema(case, list(case))}
