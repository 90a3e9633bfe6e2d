"""The OpenAPI paths and schemas of the handler's lists (GET /api/tasks/done, GET /api/cases,
webui/api/handler_lists.py), merged into the document by openapi.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.handler_lists import MAX_PAGE, MAX_PER_PAGE, STATUSES
from engine.time.clock import YEARS_PATTERN

from .handler_lists import DEFAULT_PER_PAGE
from .openapi_schemas import ID, INSTANT, LIGHT, json_body, object_schema, query_parameter, ref

DATE = {
    "type": "string",
    "format": "date",
    "pattern": YEARS_PATTERN,
    "description": "厦门日期 YYYY-MM-DD",
}


def _filters(dates: str) -> list[dict[str, Any]]:
    return [
        query_parameter("process", {"type": "string"}, "流程 id，如 event_lifecycle"),
        query_parameter("urgency", ref("Urgency"), "紧急程度"),
        query_parameter("channel", ref("Channel"), "来源渠道"),
        query_parameter("q", {"type": "string"}, "在案件编号、标题、地点中查找"),
        query_parameter("from", DATE, f"{dates}不早于该日（含）"),
        query_parameter("to", DATE, f"{dates}不晚于该日（含）；早于 from 时没有结果"),
    ]


PAGING = [
    query_parameter(
        "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "页码"
    ),
    query_parameter(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "每页条数",
    ),
]


def lists_paths(errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return {
        "/api/tasks/done": {
            "get": {
                "operationId": "listDoneTasks",
                "summary": "办理过的：令牌用户本人完成的任务（仍属其单位岗位的），最近完成的在前、分页",
                "parameters": [
                    *_filters("完成日期"),
                    query_parameter("step", {"type": "string"}, "步骤 id，如 sign_for"),
                    *PAGING,
                ],
                "responses": {
                    "200": json_body(ref("DoneTaskPage"), "一页任务"),
                    **errors(400, 401),
                },
            }
        },
        "/api/cases": {
            "get": {
                "operationId": "listUnitCases",
                "summary": "本单位案件：本单位（监测中心：本岗位）有过任务的案件，含当前步骤与状态，"
                "最近报送的在前、分页",
                "parameters": [
                    *_filters("报送日期"),
                    query_parameter(
                        "status",
                        {"type": "string", "enum": list(STATUSES)},
                        "running：办理中；ended：已结束",
                    ),
                    *PAGING,
                ],
                "responses": {
                    "200": json_body(ref("UnitCasePage"), "一页案件"),
                    **errors(400, 401),
                },
            }
        },
    }


def _page_of(item: dict[str, Any]) -> dict[str, Any]:
    return object_schema(
        {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer", "minimum": 0},
            "page": ID,
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": ID,
        },
        ["items", "total", "page", "per_page", "pages"],
    )


PROCESS_ID = {"type": "string", "description": "案件所属流程 id，如 event_lifecycle"}
UNIT_CASE = {
    "allOf": [
        ref("CaseSummary"),
        object_schema(
            {
                "process_id": PROCESS_ID,
                "created_at": INSTANT,
                "ended_at": {**INSTANT, "type": ["string", "null"]},
                "open_steps": {
                    "type": "array",
                    "items": ref("Step"),
                    "description": "案件当前所在的步骤（任一单位的未完成任务）",
                },
                "light": {**LIGHT, "type": ["string", "null"], "enum": [*LIGHT["enum"], None]},
            },
            ["process_id", "created_at", "ended_at", "open_steps", "light"],
        ),
    ]
}
DONE_TASK = {"allOf": [ref("Task"), object_schema({"process_id": PROCESS_ID}, ["process_id"])]}
SCHEMAS = {
    "UnitCase": UNIT_CASE,
    "UnitCasePage": _page_of(ref("UnitCase")),
    "DoneTask": DONE_TASK,
    "DoneTaskPage": _page_of(ref("DoneTask")),
}
