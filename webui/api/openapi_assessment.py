"""The assessment's part of the OpenAPI document (webui/api/assessment.py, SPEC §6 A1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.assessment.cases import (
    CASE_FIGURES,
    CLOSED_WD_FIGURE,
    FIGURES,
    LIGHT_FIGURE,
    LIGHTS_FIGURE,
    OPEN_FIGURE,
    TASK_FIGURES,
)
from engine.assessment.periods import PATTERN
from engine.people.reference import UNIT_CODES

from .openapi_schemas import INSTANT, json_body, nullable, object_schema, query_parameter

COUNT = object_schema(
    {
        "value": {"type": "integer", "minimum": 0},
        "figure": {"type": "string", "description": "指标名：列出其背后案件时用"},
        "cases": {"type": "string", "description": "GET /api/assessment/cases 的地址"},
        "page": {"type": "string", "description": "网页上的案件列表"},
    },
    ["value", "figure", "cases", "page"],
)
RATE = object_schema(
    {
        "value": nullable(
            "number", minimum=0, maximum=1, description="按时 /（按时 + 超时）；无数据为 null"
        ),
        "on_time": COUNT,
        "late": COUNT,
    },
    ["value", "on_time", "late"],
)
WORKING_DAYS = nullable(
    "number", minimum=0, description="工作日（节假日、周末不计）；无数据为 null"
)
RATE_OR_NULL = nullable("number", minimum=0, maximum=1)
DATA = {
    "type": ["object", "null"],
    "description": "数据资源管理（A2）；该单位没有数据资源记录时为 null（不虚构）",
    "properties": {
        "catalogue_entries": {"type": "integer", "minimum": 0},
        "catalogue_complete": {
            "type": "integer",
            "minimum": 0,
            "description": "已发布且目录各项齐全",
        },
        "catalogue_completeness": RATE_OR_NULL,
        "data_administrator": {"type": "boolean", "description": "已备案数据资源管理员（O5）"},
        "entries_with_update_deadline": {"type": "integer", "minimum": 0},
        "entries_overdue": {"type": "integer", "minimum": 0, "description": "当前超过更新时限"},
        "update_timeliness": RATE_OR_NULL,
        "replies_on_time": {"type": "integer", "minimum": 0},
        "replies_late": {"type": "integer", "minimum": 0},
        "replies_on_time_rate": {**RATE_OR_NULL, "description": "10 个工作日内答复（D4、M3）"},
        "refusals": {"type": "integer", "minimum": 0},
        "refusals_without_reason": {"type": "integer", "minimum": 0},
        "checks": {"type": "integer", "minimum": 0, "description": "收到的校核申请（D7）"},
        "checks_answered": {"type": "integer", "minimum": 0},
        "checks_on_time": {"type": "integer", "minimum": 0},
        "notices": {
            "type": "integer",
            "minimum": 0,
            "description": "期间报送的接口停用或故障通知（O1、O3）",
        },
        "late_notices": {
            "type": "integer",
            "minimum": 0,
            "description": "其中逾期的：升级停用不足 3 个工作日、故障超过 1 个工作日",
        },
        "knowledge": {
            "type": "integer",
            "minimum": 0,
            "description": "期间登记的职能或政策调整：新知识应在 5 个工作日内报送（O2）",
        },
        "late_knowledge": {
            "type": "integer",
            "minimum": 0,
            "description": "其中报送逾期的，或已过时限仍未报送的",
        },
    },
}
UNIT = object_schema(
    {
        "unit": {"type": "string"},
        "name": {"type": "string"},
        "data": DATA,
        "score": nullable("number", minimum=0, maximum=100, description="按局设定的权重计算"),
        "score_parts": {
            "type": "object",
            "additionalProperties": nullable("number", minimum=0, maximum=1),
            "description": "各项达标比例（0–1）；无数据为 null",
        },
        "events": object_schema(
            {
                "received": COUNT,
                "sign_for_on_time_rate": RATE,
                "feedback_on_time_rate": RATE,
                "returns": COUNT,
                "returned_cases": COUNT,
                "repeated_returns": COUNT,
                "closure": object_schema(
                    {
                        "closed": COUNT,
                        "unclosed": COUNT,
                        "average_wd": WORKING_DAYS,
                        "p90_wd": WORKING_DAYS,
                        "within_target": {"type": "integer", "minimum": 0},
                    },
                    ["closed", "unclosed", "average_wd", "p90_wd", "within_target"],
                ),
                "escalations": COUNT,
                "supervised": COUNT,
                "steps": {
                    "type": "array",
                    "items": object_schema(
                        {"step": {"type": "string"}, "green": COUNT, "yellow": COUNT, "red": COUNT},
                        ["step", "green", "yellow", "red"],
                    ),
                },
            },
            [
                "received",
                "sign_for_on_time_rate",
                "feedback_on_time_rate",
                "returns",
                "returned_cases",
                "repeated_returns",
                "closure",
                "escalations",
                "supervised",
                "steps",
            ],
        ),
    },
    ["unit", "name", "data", "score", "score_parts", "events"],
)
ASSESSMENT = object_schema(
    {
        "period": {"type": "string"},
        "from": {"type": "string", "format": "date", "description": "期间首日（厦门时间）"},
        "until": {"type": "string", "format": "date", "description": "期间结束日（不含）"},
        "as_of": INSTANT,
        "unit": nullable("string"),
        "weights": object_schema(
            {
                "source": {"type": "string", "description": "权重由谁、在哪里设定"},
                "items": {
                    "type": "array",
                    "items": object_schema(
                        {
                            "name": {"type": "string"},
                            "value": {"type": "number"},
                            "label": {"type": "string"},
                            "set_at": nullable("string", format="date-time"),
                            "set_by": nullable("string"),
                        },
                        ["name", "value", "label", "set_at", "set_by"],
                    ),
                },
            },
            ["source", "items"],
        ),
        "units": {"type": "array", "items": UNIT},
    },
    ["period", "from", "until", "as_of", "unit", "weights", "units"],
)
CASES = object_schema(
    {
        "period": {"type": "string"},
        "unit": nullable("string"),
        "figure": {"type": "string"},
        "cases": {
            "type": "array",
            "items": object_schema(
                {
                    "case_no": {"type": "string"},
                    "title": {"type": "string"},
                    "urgency": {"type": "string"},
                    "channel": {"type": "string"},
                    "reported_at": INSTANT,
                    "unit": {"type": "string"},
                    "steps": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "指标计入的该案步骤数",
                    },
                    "step_through": {"type": "string", "description": "逐步查看页面"},
                },
                [
                    "case_no",
                    "title",
                    "urgency",
                    "channel",
                    "reported_at",
                    "unit",
                    "steps",
                    "step_through",
                ],
            ),
        },
    },
    ["period", "unit", "figure", "cases"],
)


EVIDENCE = object_schema(
    {
        "seq": {"type": "integer", "minimum": 1, "description": "案件历史中的序号"},
        "at": INSTANT,
        "kind": {
            "type": "string",
            "description": "事件类型，如 task_created、light_changed、escalated、returned",
        },
        "element_id": nullable("string"),
        "actor": {"type": "string"},
        "step_through": {"type": "string", "description": "该步的逐步查看页面"},
    },
    ["seq", "at", "kind", "element_id", "actor", "step_through"],
)
ACCOUNTABILITY = object_schema(
    {
        "period": {"type": "string"},
        "unit": nullable("string"),
        "clauses": {"type": "object", "additionalProperties": {"type": "string"}},
        "cases": {
            "type": "array",
            "items": object_schema(
                {
                    "clause": {
                        "type": "string",
                        "enum": ["2.3.1", "2.3.2", "2.3.3", "2.3.4", "1(2)"],
                    },
                    "unit": {"type": "string"},
                    "case_no": {"type": "string"},
                    "title": {"type": "string"},
                    "step": {"type": "string"},
                    "role": nullable(
                        "string", description="2.3.4：lead 牵头、fallback 兜底/改派、co 协办"
                    ),
                    "due_at": nullable("string", format="date-time"),
                    "done_at": nullable(
                        "string", format="date-time", description="仍未完成为 null"
                    ),
                    "late_wd": nullable("number", description="超过时限的工作日数"),
                    "returns": nullable("integer", description="2.3.3：被退件次数"),
                    "step_through": {"type": "string"},
                    "evidence": {"type": "array", "items": EVIDENCE},
                },
                [
                    "clause",
                    "unit",
                    "case_no",
                    "title",
                    "step",
                    "role",
                    "due_at",
                    "done_at",
                    "late_wd",
                    "returns",
                    "step_through",
                    "evidence",
                ],
            ),
        },
    },
    ["period", "unit", "clauses", "cases"],
)


def assessment_paths(errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`errors(*statuses)` is the document's references to its shared error answers."""
    period = query_parameter(
        "period",
        {"type": "string", "pattern": PATTERN},
        "期间：2026（年）、2026-Q4（季度）或 2026-11（月）；默认当年",
    )
    unit = query_parameter(
        "unit",
        {"type": "string", "enum": sorted(UNIT_CODES)},
        "单位代码；省略为可见的全部单位（单位领导：本单位）",
    )
    readers = (
        "监测中心数据分析岗、局办公室、局领导、审计员看全部单位；单位领导看本单位；"
        "其他人 403（记入访问日志）"
    )
    return {
        "/api/assessment": {
            "get": {
                "operationId": "getAssessment",
                "summary": f"考核评价（A1）：各单位按期间的事件处置指标与得分。{readers}",
                "parameters": [period, unit],
                "responses": {
                    "200": json_body(ASSESSMENT, "各单位的指标；每项指标附列出其案件的地址"),
                    **errors(400, 401, 403),
                },
            }
        },
        "/api/assessment/cases": {
            "get": {
                "operationId": "getAssessmentCases",
                "summary": f"一项指标背后的案件（至多 1000 件，新的在前）。{readers}",
                "parameters": [
                    period,
                    unit,
                    query_parameter(
                        "figure",
                        {
                            "anyOf": [
                                {"type": "string", "enum": [*TASK_FIGURES, *CASE_FIGURES]},
                                {"type": "string", "pattern": LIGHT_FIGURE},
                                {"type": "string", "pattern": LIGHTS_FIGURE},
                                {"type": "string", "pattern": OPEN_FIGURE},
                                {"type": "string", "pattern": CLOSED_WD_FIGURE},
                            ],
                            "examples": ["sign_for_late", "light.sign_for.red"],
                        },
                        "指标名：" + "、".join(FIGURES),
                    )
                    | {"required": True},
                ],
                "responses": {"200": json_body(CASES, "案件"), **errors(400, 401, 403)},
            }
        },
        "/api/assessment/accountability": {
            "get": {
                "operationId": "getAccountability",
                "summary": "责任追究（A3，第五节 2.3）：按条款列出符合的案件及其历史证据。"
                + readers,
                "parameters": [period, unit],
                "responses": {
                    "200": json_body(ACCOUNTABILITY, "案件与证据"),
                    **errors(400, 401, 403),
                },
            }
        },
    }
