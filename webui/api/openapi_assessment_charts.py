"""GET /api/assessment/charts in the OpenAPI document (webui/api/assessment_charts.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.assessment.periods import PATTERN
from engine.people.reference import UNIT_CODES

from .openapi_assessment import COUNT
from .openapi_schemas import INSTANT, json_body, nullable, object_schema, query_parameter

RATE = nullable("number", minimum=0, maximum=1, description="按时 /（按时 + 超时）；无数据为 null")
CHARTS = object_schema(
    {
        "period": {"type": "string"},
        "unit": nullable("string", description="所看的单位；null 为全部单位"),
        "as_of": INSTANT,
        "lights_by_unit": {
            "type": "array",
            "description": "各单位被监察步骤的黄灯、红灯数（指标 lights.yellow、lights.red）",
            "items": object_schema(
                {
                    "unit": {"type": "string"},
                    "name": {"type": "string"},
                    "yellow": COUNT,
                    "red": COUNT,
                },
                ["unit", "name", "yellow", "red"],
            ),
        },
        "months": {
            "type": "array",
            "description": "期间内每月（任务转到单位的月份）的按时签收率与按时反馈率；"
            "超时的案件按该月列出（period 为月份）",
            "items": object_schema(
                {
                    "month": {"type": "string", "description": "2026-09"},
                    "sign_for_on_time_rate": RATE,
                    "feedback_on_time_rate": RATE,
                    "sign_for_late": COUNT,
                    "feedback_late": COUNT,
                },
                [
                    "month",
                    "sign_for_on_time_rate",
                    "feedback_on_time_rate",
                    "sign_for_late",
                    "feedback_late",
                ],
            ),
        },
        "closure_wd": {
            "type": "array",
            "description": "办结用时（工作日）分布：每档 low_wd ≤ 用时 < high_wd"
            "（指标 closed_wd.<low>-<high>）",
            "items": {
                **COUNT,
                "properties": {
                    **COUNT["properties"],
                    "low_wd": {"type": "integer", "minimum": 0},
                    "high_wd": nullable("integer", description="null：不设上限"),
                },
                "required": [*COUNT["required"], "low_wd", "high_wd"],
            },
        },
        "open_steps": {
            "type": "array",
            "description": "期间内打开、至今未完成的步骤，按步骤（指标 open.<step>），多者在前",
            "items": {
                **COUNT,
                "properties": {
                    **COUNT["properties"],
                    "step": {"type": "string"},
                    "name": {"type": "string"},
                    "case_count": {"type": "integer", "minimum": 0, "description": "涉及的案件数"},
                },
                "required": [*COUNT["required"], "step", "name", "case_count"],
            },
        },
        "ranking": {
            "type": "array",
            "description": "按得分排名，高者在前；无得分（无工作）的单位在后，不排名",
            "items": object_schema(
                {
                    "rank": nullable("integer", minimum=1),
                    "unit": {"type": "string"},
                    "name": {"type": "string"},
                    "score": nullable("number", minimum=0, maximum=100),
                    "received": COUNT,
                    "sign_for_on_time_rate": RATE,
                    "feedback_on_time_rate": RATE,
                    "page": {"type": "string", "description": "该单位的考核评价页"},
                },
                [
                    "rank",
                    "unit",
                    "name",
                    "score",
                    "received",
                    "sign_for_on_time_rate",
                    "feedback_on_time_rate",
                    "page",
                ],
            ),
        },
    },
    ["period", "unit", "as_of", "lights_by_unit", "months", "closure_wd", "open_steps", "ranking"],
)


def assessment_charts_paths(errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`errors(*statuses)` is the document's references to its shared error answers."""
    return {
        "/api/assessment/charts": {
            "get": {
                "operationId": "getAssessmentCharts",
                "summary": "考核评价图表的数据：各单位黄灯红灯、按月按时率、办结用时分布、"
                "各步骤未办结、得分排名；每个柱形或数据点附列出其案件的地址。"
                "读者同 GET /api/assessment（其他人 403，记入访问日志）",
                "parameters": [
                    query_parameter(
                        "period",
                        {"type": "string", "pattern": PATTERN},
                        "期间：2026（年）、2026-Q4（季度）或 2026-11（月）；默认当年",
                    ),
                    query_parameter(
                        "unit",
                        {"type": "string", "enum": sorted(UNIT_CODES)},
                        "单位代码；省略为可见的全部单位（单位领导：本单位）",
                    ),
                ],
                "responses": {
                    "200": json_body(CHARTS, "图表的数据"),
                    **errors(400, 401, 403),
                },
            }
        },
    }
