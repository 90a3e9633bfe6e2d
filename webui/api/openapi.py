"""GET /api/openapi.json: the OpenAPI 3.1 description of every route of the API, its
parameters, bodies, answers and errors, and the bearer security scheme (components in
openapi_schemas.py)."""

from __future__ import annotations

from typing import Any

from engine.definitions.forms import FormRegistry
from engine.inbox import MAX_PER_PAGE, SCOPES, SORTS

from ..extensions import current_jtflow
from .blueprint import MAX_ID, api
from .openapi_assessment import assessment_paths
from .openapi_assessment_charts import assessment_charts_paths
from .openapi_catalogue import SCHEMAS as CATALOGUE_SCHEMAS
from .openapi_catalogue import catalogue_paths
from .openapi_knowledge import knowledge_paths, knowledge_schemas
from .openapi_lists import SCHEMAS as LIST_SCHEMAS
from .openapi_lists import lists_paths
from .openapi_market import market_paths
from .openapi_notices import notices_paths, notices_schemas
from .openapi_notifications import SCHEMAS as NOTIFICATION_SCHEMAS
from .openapi_notifications import notifications_paths
from .openapi_schemas import ID, LIGHT, json_body, query_parameter, ref, schemas
from .openapi_sharing import sharing_paths, sharing_schemas
from .retention import retention_paths
from .task_list import DEFAULT_PER_PAGE, MAX_PAGE


@api.get("/openapi.json")
def openapi() -> Any:
    return document(current_jtflow().forms)


def errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/{ERROR_RESPONSES[s][0]}"} for s in statuses}


ERROR_RESPONSES = {
    400: (
        "BadRequest",
        "请求体不是有效的 JSON、不是 JSON 对象、嵌套过深、文本含 NUL 字符（\\u0000）或孤立的"
        "代理项（如 \\ud800），或查询参数有误（fields 指明参数）",
    ),
    401: ("Unauthorized", "缺少、无效或已撤销的 API 令牌"),
    403: ("Forbidden", "不是本单位（岗位）的工作，或审计员试图更改（S1）；已记入访问日志"),
    404: ("NotFound", "任务、案件或案件的第 k 步（重放）不存在"),
    409: ("Conflict", "重复办理、任务已由他人认领、已取消、案件已结束（E13）或与他人同时更改"),
    413: ("TooLarge", "请求体超过上限"),
    415: ("UnsupportedMediaType", "请求体不是 application/json"),
    422: (
        "Invalid",
        "JSON 内容不符合表单：类型错误、取值不在可选范围（allowed 列出可选值）、缺少字段",
    ),
}


TASK_ID = {
    "name": "task_id",
    "in": "path",
    "required": True,
    "schema": {**ID, "maximum": MAX_ID},
}
RESOURCE_ID = {
    "name": "resource_id",
    "in": "path",
    "required": True,
    "schema": {**ID, "maximum": MAX_ID},
    "description": "资源目录条目编号",
}
CASE_REF = {
    "name": "ref",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "案件 id 或案件编号（如 JT20261124-000042）",
}


def paths(forms: FormRegistry) -> dict[str, Any]:
    task_action = {
        "parameters": [TASK_ID],
        "responses": {
            "200": json_body(ref("Task"), "操作后的任务"),
            **errors(401, 403, 404, 409),
        },
    }
    return {
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "本文档（无需令牌）",
                "security": [],
                "responses": {"200": json_body({"type": "object"}, "OpenAPI 3.1 文档")},
            }
        },
        "/api/events": {
            "post": {
                "operationId": "reportEvent",
                "summary": "报送事件（E1、E11）：监测中心岗位报送统一监测事件，业务单位办理人报送巡检事件",
                "requestBody": {"required": True, **json_body(ref("ReportEvent"), "事件情况")},
                "responses": {
                    "201": {
                        **json_body(ref("Reported"), "已立案：案件编号及其开启的任务"),
                        "headers": {
                            "Location": {"schema": {"type": "string"}, "description": "案件地址"}
                        },
                    },
                    **errors(400, 401, 403, 413, 415, 422),
                },
            }
        },
        "/api/tasks": {
            "get": {
                "operationId": "listTasks",
                "summary": "待办：本单位本岗位的未完成任务（审计员：全部），按时限排序、分页",
                "parameters": [
                    query_parameter(
                        "scope",
                        {"type": "string", "enum": list(SCOPES), "default": "all"},
                        "mine：我认领的；unclaimed：未认领的；all：两者",
                    ),
                    query_parameter("urgency", ref("Urgency"), "紧急程度"),
                    query_parameter("channel", ref("Channel"), "来源渠道"),
                    query_parameter("light", LIGHT, "电子监察灯"),
                    query_parameter("step", {"type": "string"}, "步骤 id，如 sign_for"),
                    query_parameter("q", {"type": "string"}, "在案件编号、标题、地点中查找"),
                    query_parameter(
                        "sort",
                        {"type": "string", "enum": list(SORTS), "default": "due"},
                        "due：时限早的在前；-due：晚的在前",
                    ),
                    query_parameter(
                        "page",
                        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                        "页码",
                    ),
                    query_parameter(
                        "per_page",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_PER_PAGE,
                            "default": DEFAULT_PER_PAGE,
                        },
                        "每页条数",
                    ),
                ],
                "responses": {"200": json_body(ref("TaskPage"), "一页任务"), **errors(400, 401)},
            }
        },
        "/api/tasks/{task_id}": {
            "get": {
                "operationId": "getTask",
                "summary": "任务详情，含表单 JSON Schema、时限、灯、所属案件",
                "parameters": [TASK_ID],
                "responses": {
                    "200": json_body(ref("TaskDetail"), "任务"),
                    **errors(401, 403, 404),
                },
            }
        },
        "/api/tasks/{task_id}/claim": {
            "post": {"operationId": "claimTask", "summary": "认领任务", **task_action}
        },
        "/api/tasks/{task_id}/release": {
            "post": {"operationId": "releaseTask", "summary": "释放自己认领的任务", **task_action}
        },
        "/api/tasks/{task_id}/complete": {
            "post": {
                "operationId": "completeTask",
                "summary": "提交表单完成任务；返回此步开启的任务",
                "parameters": [TASK_ID],
                "requestBody": {"required": True, **json_body(ref("Complete"), "表单数据")},
                "responses": {
                    "200": json_body(ref("Completed"), "已完成"),
                    **errors(400, 401, 403, 404, 409, 413, 415, 422),
                },
            }
        },
        "/api/cases/{ref}": {
            "get": {
                "operationId": "getCase",
                "summary": "案件：事件情况、状态、当前步骤及办理人、灯",
                "parameters": [CASE_REF],
                "responses": {"200": json_body(ref("Case"), "案件"), **errors(401, 403, 404)},
            }
        },
        "/api/cases/{ref}/history": {
            "get": {
                "operationId": "getCaseHistory",
                "summary": "案件历史（哈希链，S2）",
                "parameters": [CASE_REF],
                "responses": {"200": json_body(ref("History"), "历史"), **errors(401, 403, 404)},
            }
        },
        "/api/cases/{ref}/replay": {
            "get": {
                "operationId": "replayCase",
                "summary": "案件在第 k 步时的状态：由记录的输入重放并逐条核对历史（S2）",
                "parameters": [
                    CASE_REF,
                    query_parameter(
                        "step",
                        {"type": "integer", "minimum": 1},
                        "第几步（历史事件序号，从 1 起）；超过案件历史的步数为 404",
                    )
                    | {"required": True},
                ],
                "responses": {
                    "200": json_body(REPLAY, "重放结果"),
                    **errors(400, 401, 403, 404, 422),
                },
            }
        },
        "/api/cases/{ref}/access": {
            "get": {
                "operationId": "getCaseReaders",
                "summary": "谁在何时查阅或导出了案件（S1，仅审计员）",
                "parameters": [CASE_REF],
                "responses": {"200": json_body(READERS, "查阅记录"), **errors(401, 403, 404)},
            }
        },
        **catalogue_paths(json_body, errors, query_parameter, RESOURCE_ID),
        **market_paths(forms),
    }


REPLAY: dict[str, Any] = {
    "type": "object",
    "required": ["case_no", "step", "reproduced", "divergence", "state"],
    "properties": {
        "case_no": {"type": "string"},
        "step": {"type": "integer"},
        "reproduced": {"type": "boolean"},
        "divergence": {
            "type": ["object", "null"],
            "description": "重放与记录的第一处不同；一致时为 null",
            "required": ["seq", "explanation", "differences", "recorded", "replayed"],
            "properties": {
                "seq": {"type": "integer", "description": "不一致的历史事件序号"},
                "explanation": {
                    "type": "string",
                    "description": "哪条事件的哪一项不同、记录为何、重放得到何，用文字说明",
                },
                "differences": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "recorded", "replayed"],
                        "properties": {
                            "field": {
                                "type": "string",
                                "description": "at、actor、kind、element_id、definition，"
                                "数据中的一项为 data.键名；整条事件多出或缺失为 event",
                            },
                            "recorded": {"description": "记录的值（null：记录中没有）"},
                            "replayed": {"description": "重放得到的值（null：重放没有得到）"},
                        },
                    },
                },
                "recorded": {"type": "object", "description": "记录的事件"},
                "replayed": {
                    "type": ["object", "null"],
                    "description": "重放得到的事件；输入被拒绝时为 {error}",
                },
            },
        },
        "state": {
            "type": ["object", "null"],
            "properties": {
                "status": {"type": "string"},
                "open_tasks": {"type": "array", "items": {"type": "object"}},
                "waiting_timers": {"type": "array", "items": {"type": "object"}},
                "data": {"type": "object"},
            },
        },
    },
}
READERS: dict[str, Any] = {
    "type": "object",
    "required": ["case_no", "readers"],
    "properties": {
        "case_no": {"type": "string"},
        "readers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["at", "username", "action"],
                "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "username": {"type": ["string", "null"]},
                    "action": {"type": "string"},
                },
            },
        },
    },
}


def document(forms: FormRegistry) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "jtflow API",
            "version": "1",
            "description": (
                "厦门市交通运输事件监测处置工作流的 REST API。令牌用 `jtflow token create 用户名` "
                "生成，放在 Authorization: Bearer 请求头中。用户只能看到本单位（监测中心：本岗位）"
                "有过任务的案件和本单位本岗位的任务；审计员可查看全部但不能更改（S1）。"
                "错误均为 {error, detail} JSON。"
            ),
        },
        "security": [{"bearerAuth": []}],
        "paths": {
            **paths(forms),
            **lists_paths(errors),
            **sharing_paths(errors),
            **notices_paths(errors),
            **knowledge_paths(errors),
            **assessment_paths(errors),
            **assessment_charts_paths(errors),
            **notifications_paths(errors),
            **retention_paths(errors),
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`jtflow token create 用户名` 生成的令牌",
                }
            },
            "schemas": {
                **schemas(forms),
                **CATALOGUE_SCHEMAS,
                **LIST_SCHEMAS,
                **NOTIFICATION_SCHEMAS,
                **sharing_schemas(forms),
                **notices_schemas(forms),
                **knowledge_schemas(forms),
            },
            "responses": {
                name: json_body(ref("Error"), description)
                for name, description in ERROR_RESPONSES.values()
            },
        },
    }
