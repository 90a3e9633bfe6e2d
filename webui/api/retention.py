"""GET /api/retention (O4): what is past its class's minimum, removable or kept and why, and
the open audit holds; for administrators and auditors (others a logged 403)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.record.retention import KIND_NAMES, check_reader, describe_item, open_holds, plan

from ..extensions import current_jtflow, request_session
from .blueprint import api
from .shapes import instant


@api.get("/retention")
def retention_plan() -> Any:
    check_reader(g.user)
    with request_session() as db:
        made = plan(db, current_jtflow().clock.now())
        holds = open_holds(db)
    return {
        "now": instant(made.now),
        "removable": [describe_item(item) for item in made.removable],
        "kept": [describe_item(item) for item in made.kept],
        "holds": [
            {
                "id": hold.id,
                "case_no": case_no,
                "reason": hold.reason,
                "placed_by": hold.placed_by,
                "placed_at": instant(hold.placed_at),
            }
            for hold, case_no in holds
        ],
    }


def retention_paths(errors: Any) -> dict[str, Any]:
    from .openapi_schemas import ID, INSTANT, json_body, object_schema

    item = object_schema(
        {
            "kind": {"type": "string", "enum": sorted(KIND_NAMES)},
            "id": ID,
            "retention": {"type": "string", "enum": ["static", "dynamic", "media"]},
            "since": INSTANT,
            "minimum_until": INSTANT,
            "label": {"type": "string", "description": "给人读的名称，如附件名及所属案件"},
            "case_no": {"type": ["string", "null"]},
            "kept_because": {
                "type": ["string", "null"],
                "description": "保留原因；可删除时为 null",
            },
        },
        ["kind", "id", "retention", "since", "minimum_until", "label", "case_no", "kept_because"],
    )
    hold = object_schema(
        {
            "id": ID,
            "case_no": {"type": "string"},
            "reason": {"type": "string"},
            "placed_by": {"type": "string"},
            "placed_at": INSTANT,
        },
        ["id", "case_no", "reason", "placed_by", "placed_at"],
    )
    body = object_schema(
        {
            "now": INSTANT,
            "removable": {"type": "array", "items": item},
            "kept": {"type": "array", "items": item},
            "holds": {"type": "array", "items": hold},
        },
        ["now", "removable", "kept", "holds"],
    )
    return {
        "/api/retention": {
            "get": {
                "operationId": "retentionPlan",
                "summary": "保存期限（O4）：已过最短保存期限的数据，可删除的和须保留的（及原因），"
                "以及未解除的审计保全；管理员和审计员可查看，删除用 jtflow retention apply",
                "responses": {"200": json_body(body, "保存期限计划"), **errors(401, 403)},
            }
        }
    }
