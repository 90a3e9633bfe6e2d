"""The catalogue's part of the OpenAPI document (D1, D2): its paths, and the body schemas
the server itself checks bodies against (webui.api.catalogue), so the two cannot drift."""

from __future__ import annotations

from typing import Any

from engine.data.administrators import PROVIDING_UNITS
from engine.data.catalogue import STATUSES
from engine.data.catalogue_search import MAX_PER_PAGE
from engine.data.categories import CATEGORIES, TOPS
from engine.data.fields import ATTRIBUTES, LIMITS, SHARE_MODES, SHARE_TYPES, UPDATE_PERIODS

MAX_PAGE = 10_000
ONE_LINE = "^[^\\u0000-\\u001f\\u007f]*$"  # no control characters: each field is one line


def _text(field: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "type": "string",
        "maxLength": LIMITS[field],
        "pattern": ONE_LINE,
        "description": description,
        **({"minLength": 1} if required else {}),
    }


def _enum(table: dict[str, str], description: str) -> dict[str, Any]:
    listed = "；".join(f"{code}：{name}" for code, name in table.items())
    return {"type": "string", "enum": list(table), "description": f"{description}（{listed}）"}


FIELDS: dict[str, Any] = {
    "category": _enum({c.code: c.full_name for c in CATEGORIES.values()}, "分类（D2 的末级分类）"),
    "name": _text("name", "名称", required=True),
    "data_format": _text("data_format", "格式，如 JSON、CSV", required=True),
    "attribute": _enum(ATTRIBUTES, "属性"),
    "update_period": _enum(UPDATE_PERIODS, "更新时限"),
    "share_type": _enum(SHARE_TYPES, "共享类型"),
    "share_scope": _text("share_scope", "共享范围（可共享的资源必填）"),
    "share_modes": {
        "type": "array",
        "items": {"type": "string", "enum": list(SHARE_MODES)},
        "maxItems": len(SHARE_MODES),
        "description": "共享方式（D6）："
        + "；".join(f"{code}：{name}" for code, name in SHARE_MODES.items()),
    },
    "usage_requirements": _text("usage_requirements", "使用要求（有条件共享必填）"),
    "source_system": _text("source_system", "来源系统", required=True),
}
RESOURCE_BODY: dict[str, Any] = {
    "type": "object",
    "properties": FIELDS,
    "required": [
        "category",
        "name",
        "data_format",
        "attribute",
        "update_period",
        "share_type",
        "source_system",
    ],
    "additionalProperties": False,
    "description": "提供部门是本人所在单位（一数一源）；其余规则（如有条件共享须写使用要求）不满足时为 422",
}
RESOURCE_PATCH: dict[str, Any] = {
    "type": "object",
    "properties": FIELDS,
    "additionalProperties": False,
    "description": "只改所给的字段；已发布的条目修改后回到草稿，须重新提交审核",
}
INSTANT_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
RESOURCE: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "category",
        "category_name",
        "name",
        "provider_unit",
        "provider_name",
        "status",
        "share_modes",
        "overdue",
        "interrupted",
    ],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "category_name": {"type": "string", "description": "分类名称，如 公共交通实时/实时位置"},
        "provider_unit": {"type": "string", "description": "提供部门的单位代码"},
        "provider_name": {"type": "string", "description": "提供部门的名称"},
        **{k: v for k, v in FIELDS.items() if k not in ("name", "data_format", "source_system")},
        "name": {"type": "string"},
        "data_format": {"type": "string"},
        "source_system": {"type": "string"},
        "status": _enum(STATUSES, "状态"),
        "data_updated_at": INSTANT_OR_NULL,
        "published_at": INSTANT_OR_NULL,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "overdue": {
            "type": ["boolean", "null"],
            "description": "是否超过更新时限；只对提供单位、监测中心数据资源管理岗和审计员给出，其他人为 null",
        },
        "next_update_due": {**INSTANT_OR_NULL, "description": "下次更新期限"},
        "interrupted": {
            "type": "boolean",
            "description": "中断：有未办结的接口停用或故障通知列出该资源（O1、O3）",
        },
    },
}
RESOURCE_PAGE: dict[str, Any] = {
    "type": "object",
    "required": ["total", "page", "per_page", "pages", "items"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Resource"}},
    },
}
SCHEMAS = {
    "Resource": RESOURCE,
    "ResourcePage": RESOURCE_PAGE,
    "ResourceBody": RESOURCE_BODY,
    "ResourcePatch": RESOURCE_PATCH,
}


def catalogue_paths(
    json_body: Any, errors: Any, query: Any, resource_id: dict[str, Any]
) -> dict[str, Any]:
    """The paths, made with openapi.py's helpers (passed in: that module imports this one)."""
    ref = {"$ref": "#/components/schemas/Resource"}
    return {
        "/api/catalogue": {
            "get": {
                "operationId": "searchCatalogue",
                "summary": "资源目录：已发布的条目（本单位另见其草稿和待审核的），按名称或来源系统查找、筛选、分页",
                "parameters": [
                    query("q", {"type": "string"}, "在名称、来源系统中查找"),
                    query(
                        "category",
                        {"type": "string", "enum": [*TOPS, *CATEGORIES]},
                        "分类：一级（如 transit）或末级（如 transit.position）",
                    ),
                    query(
                        "unit",
                        {"type": "string", "enum": list(PROVIDING_UNITS)},
                        "提供部门的单位代码",
                    ),
                    query("share_type", {"type": "string", "enum": list(SHARE_TYPES)}, "共享类型"),
                    query("status", {"type": "string", "enum": list(STATUSES)}, "状态"),
                    query(
                        "page",
                        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                        "页码",
                    ),
                    query(
                        "per_page",
                        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
                        "每页条数",
                    ),
                ],
                "responses": {
                    "200": json_body({"$ref": "#/components/schemas/ResourcePage"}, "一页条目"),
                    **errors(400, 401),
                },
            },
            "post": {
                "operationId": "createResource",
                "summary": "新增本单位的资源（草稿）：仅本单位登记在册的数据资源管理员（O5）；同分类同名的资源已存在时 422，指明已登记的单位（一数一源）",
                "requestBody": {
                    "required": True,
                    **json_body({"$ref": "#/components/schemas/ResourceBody"}, "条目"),
                },
                "responses": {
                    "201": {
                        **json_body(ref, "已保存为草稿"),
                        "headers": {
                            "Location": {"schema": {"type": "string"}, "description": "条目地址"}
                        },
                    },
                    **errors(400, 401, 403, 413, 415, 422),
                },
            },
        },
        "/api/catalogue/{resource_id}": {
            "get": {
                "operationId": "getResource",
                "summary": "资源目录条目：十一项内容、状态、更新时限情况",
                "parameters": [resource_id],
                "responses": {"200": json_body(ref, "条目"), **errors(401, 404)},
            },
            "patch": {
                "operationId": "updateResource",
                "summary": "修改本单位的条目：仅本单位登记在册的数据资源管理员；已发布的修改后回到草稿",
                "parameters": [resource_id],
                "requestBody": {
                    "required": True,
                    **json_body({"$ref": "#/components/schemas/ResourcePatch"}, "要改的字段"),
                },
                "responses": {
                    "200": json_body(ref, "修改后的条目"),
                    **errors(400, 401, 403, 404, 413, 415, 422),
                },
            },
        },
    }
