"""The OpenAPI paths and schemas of the token user's notifications (issue 16,
webui/api/notifications.py), merged into the document by openapi.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.notify.reading import MAX_PER_PAGE

from .blueprint import MAX_ID
from .openapi_lists import PAGING
from .openapi_schemas import ID, INSTANT, json_body, object_schema, query_parameter, ref

KINDS = ["task", "urgent", "returned", "yellow", "red", "escalated", "supervised"]
NOTE_ID = {
    "name": "note_id",
    "in": "path",
    "required": True,
    "schema": {**ID, "maximum": MAX_ID},
    "description": "通知编号",
}
NOTIFICATION = object_schema(
    {
        "id": ID,
        "kind": {
            "type": "string",
            "enum": KINDS,
            "description": "task 新待办；returned 退回；yellow/red 本人步骤的黄灯/红灯；"
            "escalated 催办；supervised 督办",
        },
        "kind_name": {"type": "string", "description": "类型的名称（请求的语言）"},
        "step_name": {"type": "string", "description": "所涉步骤的名称"},
        "case_no": {"type": ["string", "null"]},
        "title": {"type": "string", "description": "案件标题"},
        "task_id": {**ID, "type": ["integer", "null"]},
        "at": INSTANT,
        "read": {"type": "boolean"},
        "link": {"type": "string", "description": "网页上打开所涉任务或案件的路径"},
    },
    ["id", "kind", "kind_name", "step_name", "case_no", "title", "task_id", "at", "read", "link"],
)
PAGE = object_schema(
    {
        "unread": {"type": "integer", "minimum": 0, "description": "未读通知数（铃铛上的数字）"},
        "items": {"type": "array", "items": ref("Notification")},
        "total": {"type": "integer", "minimum": 0},
        "page": ID,
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "pages": ID,
    },
    ["unread", "items", "total", "page", "per_page", "pages"],
)
LOOK_EVENT = object_schema(
    {
        "event": {"type": "string", "const": "notes"},
        "id": {"type": "string", "pattern": "^[0-9]+$", "description": "已见的最新通知编号"},
        "retry": {"type": "integer", "minimum": 1, "description": "下次查看前等待的毫秒数"},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "JSON：{unread: 未读数, items: [Notification, …]}",
        },
    },
    ["event", "id", "retry", "data"],
)
SCHEMAS = {"Notification": NOTIFICATION, "NotificationPage": PAGE}


def notifications_paths(errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return {
        "/api/notifications": {
            "get": {
                "operationId": "listNotifications",
                "summary": "令牌用户本人的通知（新待办、退回、黄灯红灯、催办督办）与未读数，最新的在前、分页",
                "parameters": [
                    query_parameter(
                        "show",
                        {"type": "string", "enum": ["all", "unread"], "default": "all"},
                        "all：全部；unread：仅未读",
                    ),
                    *PAGING,
                ],
                "responses": {
                    "200": json_body(ref("NotificationPage"), "一页通知"),
                    **errors(400, 401),
                },
            }
        },
        "/api/notifications/{note_id}/read": {
            "post": {
                "operationId": "markNotificationRead",
                "summary": "将本人的一条通知标为已读；他人的通知视为不存在（404）",
                "parameters": [NOTE_ID],
                "responses": {
                    "200": json_body(ref("Notification"), "标为已读后的通知"),
                    **errors(401, 404),
                },
            }
        },
        "/api/notifications/read-all": {
            "post": {
                "operationId": "markAllNotificationsRead",
                "summary": "将本人的全部未读通知标为已读",
                "responses": {
                    "200": json_body(
                        object_schema({"marked": {"type": "integer", "minimum": 0}}, ["marked"]),
                        "标为已读的条数",
                    ),
                    **errors(401),
                },
            }
        },
        "/api/notifications/stream": {
            "get": {
                "operationId": "lookForNotifications",
                "summary": "铃铛的一次查看（server-sent events）：立即回答一条 `notes` 事件"
                "（data 为 {unread, items}：未读数与 after 之后的新通知，至多 20 条）后关闭，"
                "`retry` 给出下次查看前等待的毫秒数，`id` 为已见的最新编号；"
                "EventSource 会按 retry 重连并以 Last-Event-ID 带回该编号",
                "parameters": [
                    query_parameter(
                        "after",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0},
                        "只要编号大于它的通知",
                    ),
                    {
                        "name": "Last-Event-ID",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "上次回答的 id（EventSource 自动带回）；与 after 取大者",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "一条 notes 事件",
                        "content": {"text/event-stream": {"schema": LOOK_EVENT}},
                    },
                    **errors(400, 401),
                },
            }
        },
    }
