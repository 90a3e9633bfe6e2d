"""The OpenAPI paths of attachments and market applications (M1–M5), merged into the
document by openapi.py."""

from __future__ import annotations

from typing import Any

from engine.data.market_rules import DOCUMENTS
from engine.definitions.forms import FormRegistry
from engine.record.attachments import ALLOWED, KINDS

from .blueprint import MAX_ID

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        413: "TooLarge",
        415: "UnsupportedMediaType",
        422: "Invalid",
    }
    return {str(s): {"$ref": f"#/components/responses/{names[s]}"} for s in statuses}


ATTACHMENT: dict[str, Any] = {
    "type": "object",
    "required": ["attachment_id", "kind", "name", "sha256", "size", "media_type"],
    "properties": {
        "attachment_id": {"type": "integer"},
        "kind": {"type": "string", "enum": list(KINDS)},
        "name": {"type": "string", "description": "上传时的文件名（仅供显示）"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "size": {"type": "integer", "description": "字节数"},
        "media_type": {
            "type": "string",
            "enum": list(ALLOWED),
            "description": "由文件内容识别的类型（不信任文件名）",
        },
    },
}
ATTACHMENT_ID = {"name": "attachment_id", "in": "path", "required": True, "schema": ID}


def _application(forms: FormRegistry) -> dict[str, Any]:
    """The body: forms/market_application.json itself, plus the documents by kind."""
    form = {
        k: v for k, v in forms.schema("market_application").items() if k not in ("$schema", "$id")
    }
    return {
        **form,
        "properties": {
            **form["properties"],
            "attachments": {
                "type": "object",
                "description": "申请材料：类别 → 附件 id（先用 POST /api/attachments 上传）；"
                "申请书、保密承诺书、信用代码复印件必交，另交法定代表人身份证，"
                "或代理人身份证和授权委托书（M1）",
                "additionalProperties": False,
                "properties": {
                    kind: {**ID, "description": name} for kind, name in DOCUMENTS.items()
                },
            },
        },
        "required": [*form["required"], "attachments"],
    }


APPLICATION_SUMMARY: dict[str, Any] = {
    "type": "object",
    "required": ["case_no", "title", "status", "resource_id", "purpose", "created_at"],
    "properties": {
        "case_no": {"type": "string", "examples": ["SC20261124-000042"]},
        "title": {"type": "string"},
        "status": {"type": "string"},
        "resource_id": {"type": ["integer", "null"]},
        "purpose": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
    },
}


def market_paths(forms: FormRegistry) -> dict[str, Any]:
    return {
        "/api/market/applications": {
            "post": {
                "operationId": "createApplication",
                "summary": "市场化应用申请（M1、M2、M4）：外部申请人提交申请及四项材料，受理后由监测中心审查",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _application(forms)}},
                },
                "responses": {
                    "201": {
                        "description": "已提交：案件编号及其开启的任务",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Reported"}
                            }
                        },
                        "headers": {
                            "Location": {"schema": {"type": "string"}, "description": "案件地址"}
                        },
                    },
                    **_errors(400, 401, 403, 404, 413, 415, 422),
                },
            },
            "get": {
                "operationId": "listApplications",
                "summary": "我的市场化应用申请（只含本人的，M1）",
                "responses": {
                    "200": {
                        "description": "申请，新的在前",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["applications"],
                                    "properties": {
                                        "applications": {
                                            "type": "array",
                                            "items": APPLICATION_SUMMARY,
                                        }
                                    },
                                }
                            }
                        },
                    },
                    **_errors(401),
                },
            },
        },
        "/api/attachments": {
            "post": {
                "operationId": "uploadAttachment",
                "summary": "上传附件：按内容识别类型（PDF、JPEG、PNG、Word、Excel），大小受限；"
                "提交申请或办理步骤时以 attachment_id 引用",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "kind"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "kind": {"type": "string", "enum": list(KINDS)},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "已保存（尚未属于任何案件，仅上传人可读）",
                        "content": {"application/json": {"schema": ATTACHMENT}},
                    },
                    **_errors(400, 401, 403, 413, 415, 422),
                },
            }
        },
        "/api/attachments/{attachment_id}": {
            "get": {
                "operationId": "downloadAttachment",
                "summary": "下载附件：能查看其所属案件的人（未提交的附件：上传人）；每次下载记入访问日志",
                "parameters": [ATTACHMENT_ID],
                "responses": {
                    "200": {
                        "description": "文件内容",
                        "content": {
                            media_type: {"schema": {"type": "string", "format": "binary"}}
                            for media_type in ALLOWED
                        },
                    },
                    **_errors(401, 403, 404),
                },
            }
        },
    }
