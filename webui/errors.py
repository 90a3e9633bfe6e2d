"""The engine's errors as HTTP answers: a page for the browser, `{error, detail}` for /api.

A refusal (403) is also written to the access log (S1). Nothing the engine raises on
purpose becomes a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    InvalidInput,
    JtflowError,
    NotFound,
    PermissionDenied,
    Removed,
    StalledInstance,
)
from engine.people.accounts import log_access

from .extensions import current_jtflow, request_session

STATUS: list[tuple[type[JtflowError], int, str]] = [
    (Removed, 410, "gone"),
    (NotFound, 404, "not_found"),
    (PermissionDenied, 403, "forbidden"),
    (Conflict, 409, "conflict"),
    (InvalidInput, 422, "invalid"),
    (StalledInstance, 500, "stalled"),
    (JtflowError, 400, "bad_request"),
]


def register(app: Flask) -> None:
    app.register_error_handler(JtflowError, _engine_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def answer(status: int, code: str, detail: str, **extra: Any) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": code, "detail": detail, **extra}), status
    return render_template("error.html", status=status, detail=detail), status


def _engine_error(e: JtflowError) -> Any:
    status, code = next((s, c) for kind, s, c in STATUS if isinstance(e, kind))
    if status == 403:
        log_refusal(str(e))
    extra: dict[str, Any] = {"rules": list(e.rules)} if e.rules else {}
    if isinstance(e, InvalidInput) and e.errors:
        extra["fields"] = [{"field": f.field, "message": f.message} for f in e.errors]
    return answer(status, code, str(e), **extra)


def _csrf_error(e: CSRFError) -> Any:
    return answer(400, "csrf", "页面已过期或来源不明（CSRF 校验失败）：请刷新页面后重新提交")


# The API's answer when werkzeug has only its English default to say (an unknown path, a
# method the path does not take); the API's own views give their own details.
API_DETAILS = {
    404: "地址不存在：可用的接口见 /api/openapi.json",
    405: "该地址不支持此请求方法：可用的方法见 /api/openapi.json",
}


def _http_error(e: HTTPException) -> Any:
    detail = e.description or ""
    if request.path.startswith("/api/") and detail == type(e).description:
        detail = API_DETAILS.get(e.code or 500, detail)
    status, code = e.code or 500, (e.name or "error").lower().replace(" ", "_")
    allow = getattr(e, "valid_methods", None)  # 405: say which methods the path takes
    return (*answer(status, code, detail), {"Allow": ", ".join(allow)} if allow else {})


def log_refusal(detail: str) -> None:
    engine = current_jtflow()
    user = getattr(g, "user", None)
    with request_session() as db:
        log_access(
            db,
            engine.clock.now(),
            user.username if user else None,
            "denied",
            allowed=False,
            target=("path", request.path[:80]),
            detail=detail,
        )
        db.commit()
