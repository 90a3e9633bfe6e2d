"""POST /api/market/applications and GET /api/market/applications: an external applicant's
application (M1), its documents named by the ids `POST /api/attachments` gave, and the
applicant's own applications (M1: applicants see only their own)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.errors import FieldError, FormInvalid, InvalidInput
from engine.market import FORM, applications_of, apply

from ..extensions import current_jtflow, request_session
from .blueprint import MAX_ID, api
from .bodies import json_object
from .problems import with_choices
from .shapes import started


@api.post("/market/applications")
def create_application() -> Any:
    engine = current_jtflow()
    body = json_object()
    documents = _documents(body.pop("attachments", None))
    try:
        ref = apply(engine, body, documents, applicant=g.user.username)
    except FormInvalid as e:
        raise with_choices(e, engine.forms.schema(FORM)) from None
    return started(ref)


def _documents(given: Any) -> dict[str, int]:
    """`attachments`: an object of document kind → attachment id."""
    if not isinstance(given, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_ID for v in given.values()
    ):
        message = "attachments 应为对象：材料类别 → 附件 id（由 POST /api/attachments 上传得到）"
        raise InvalidInput(message, [FieldError("attachments", message)])
    return {str(kind): int(id) for kind, id in given.items()}


@api.get("/market/applications")
def list_applications() -> Any:
    with request_session() as db:
        cases = applications_of(db, g.user.username)
        return {
            "applications": [
                {
                    "case_no": case.case_no,
                    "title": case.title,
                    "status": case.status,
                    "resource_id": (case.facts or {}).get("resource_id"),
                    "purpose": (case.facts or {}).get("purpose"),
                    "created_at": case.created_at.isoformat(),
                }
                for case in cases
            ]
        }
