"""The OpenAPI document's component schemas: what each answer of the API looks like.

The event body is forms/report_event.json itself (JSON Schema 2020-12, which OpenAPI 3.1
speaks), so the document and the server's check cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from engine.definitions.forms import FormRegistry
from engine.inbox import LIGHTS, MAX_PER_PAGE
from engine.time.clock import YEARS_PATTERN


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **more}


ID = {"type": "integer", "minimum": 1}
INSTANT = {"type": "string", "format": "date-time", "description": "ISO 8601，UTC"}
LIGHT = {"type": "string", "enum": list(LIGHTS), "description": "电子监察灯（E12）"}


def schemas(forms: FormRegistry) -> dict[str, Any]:
    report = with_years(
        {k: v for k, v in forms.schema("report_event").items() if k not in ("$schema", "$id")}
    )
    urgency = report["properties"]["urgency"]
    channel = report["properties"]["channel"]
    case_summary = {
        "id": ID,
        "case_no": {"type": "string", "examples": ["JT20261124-000042"]},
        "title": {"type": "string"},
        "channel": {"type": "string"},
        "urgency": {"type": "string"},
        "status": {"type": "string", "description": "running、archived、returned、recorded …"},
    }
    step = {
        "task_id": ID,
        "element_id": {"type": "string"},
        "name": {"type": "string"},
        "unit_code": {"type": "string"},
        "role": {"type": "string"},
        "assignee": nullable("string", description="认领人；未认领为 null"),
        "due_at": {**INSTANT, "type": ["string", "null"]},
        "warn_at": {**INSTANT, "type": ["string", "null"], "description": "黄灯时刻（E12）"},
        "light": LIGHT,
        "provisional": {"type": "boolean", "description": "时限按暂定日历计算（SPEC §2）"},
    }
    task = {
        "id": ID,
        "element_id": {"type": "string", "description": "流程图中的步骤 id，如 sign_for"},
        "name": {"type": "string"},
        "unit_code": {"type": "string"},
        "role": {"type": "string"},
        "state": {"type": "string", "enum": ["open", "completed", "cancelled", "closed"]},
        "assignee": nullable("string"),
        "created_at": INSTANT,
        "due_at": {**INSTANT, "type": ["string", "null"]},
        "warn_at": {**INSTANT, "type": ["string", "null"]},
        "light": LIGHT,
        "provisional": {"type": "boolean"},
        "late_seconds": nullable("integer", description="超期完成的秒数（E12）"),
        "completed_at": {**INSTANT, "type": ["string", "null"]},
        "completed_by": nullable("string"),
        "case": ref("CaseSummary"),
    }
    opened = {
        "id": ID,
        "element_id": {"type": "string"},
        "name": {"type": "string"},
        "unit_code": {"type": "string"},
        "role": {"type": "string"},
    }
    return {
        "Error": object_schema(
            {
                "error": {"type": "string", "description": "机器可读的错误代码，如 forbidden"},
                "detail": {"type": "string", "description": "说明问题及处理办法（中文）"},
                "fields": {"type": "array", "items": ref("FieldError")},
                "rules": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "所依据的标准条款编号（SPEC.md），如 E13；说明文字中不再重复",
                },
            },
            ["error", "detail"],
        ),
        "FieldError": object_schema(
            {
                "field": {"type": "string", "description": "出错的字段或参数，如 data.decision"},
                "message": {"type": "string"},
                "allowed": {"type": "array", "description": "取值不在可选范围时：可选值"},
            },
            ["field", "message"],
        ),
        "ReportEvent": report,
        "Urgency": urgency,
        "Channel": channel,
        "OpenedTask": object_schema(opened, list(opened)),
        "Reported": object_schema(
            {
                "case_no": {"type": "string"},
                "case_id": ID,
                "tasks": {"type": "array", "items": ref("OpenedTask")},
            },
            ["case_no", "case_id", "tasks"],
        ),
        "CaseSummary": object_schema(case_summary, list(case_summary)),
        "Task": object_schema(task, list(task)),
        "TaskDetail": {
            "allOf": [
                ref("Task"),
                object_schema(
                    {
                        "form": {"type": "string", "description": "表单名（forms/ 中的文件）"},
                        "form_schema": {
                            "type": "object",
                            "description": "该步骤表单的 JSON Schema（draft 2020-12）",
                        },
                        "defaults": {"type": "object", "description": "表单默认值"},
                        "data": nullable("object", description="已完成任务提交的表单数据"),
                    },
                    ["form", "form_schema", "defaults", "data"],
                ),
            ]
        },
        "TaskPage": object_schema(
            {
                "items": {"type": "array", "items": ref("Task")},
                "total": {"type": "integer", "minimum": 0},
                "page": ID,
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "pages": ID,
            },
            ["items", "total", "page", "per_page", "pages"],
        ),
        "Complete": {
            **object_schema(
                {
                    "data": {
                        "type": "object",
                        "description": "该步骤表单的数据，见任务的 form_schema",
                    }
                },
                ["data"],
            ),
            "additionalProperties": False,
        },
        "Completed": object_schema(
            {
                "task_id": ID,
                "state": {"const": "completed"},
                "tasks": {"type": "array", "items": ref("OpenedTask")},
            },
            ["task_id", "state", "tasks"],
        ),
        "Step": object_schema(step, list(step)),
        "Case": {
            "allOf": [
                ref("CaseSummary"),
                object_schema(
                    {
                        "facts": {"type": "object", "description": "报送的事件情况及流程数据"},
                        "created_at": INSTANT,
                        "updated_at": INSTANT,
                        "ended_at": {**INSTANT, "type": ["string", "null"]},
                        "open_steps": {"type": "array", "items": ref("Step")},
                        "light": {**LIGHT, "type": ["string", "null"], "enum": [*LIGHTS, None]},
                        "lights": object_schema(
                            {light: {"type": "integer", "minimum": 0} for light in LIGHTS},
                            list(LIGHTS),
                        ),
                    },
                    ["facts", "created_at", "updated_at", "ended_at", "open_steps", "light"],
                ),
            ]
        },
        "HistoryEvent": object_schema(
            {
                "seq": ID,
                "at": INSTANT,
                "actor": {"type": "string"},
                "kind": {"type": "string", "examples": ["case_reported", "task_completed"]},
                "element_id": nullable("string"),
                "data": {"type": "object"},
                "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
            ["seq", "at", "actor", "kind", "element_id", "data", "prev_hash", "hash"],
        ),
        "History": object_schema(
            {
                "case_no": {"type": "string"},
                "events": {"type": "array", "items": ref("HistoryEvent")},
            },
            ["case_no", "events"],
        ),
    }


def with_years(schema: Any) -> Any:
    """A copy of a form's schema whose date-times say the years the server takes
    (engine.time.clock.YEARS, checked with the date-time format by engine.definitions.forms)."""
    if isinstance(schema, list):
        return [with_years(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: with_years(value) for key, value in schema.items()}
    if copy.get("format") == "date-time" and "pattern" not in copy:
        copy["pattern"] = YEARS_PATTERN
    return copy


def object_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A request or response of JSON in this schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query_parameter(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }
