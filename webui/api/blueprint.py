"""The REST API's blueprint: every route under /api/, authenticated by a bearer token.

Tokens come from `jtflow token create USER` and are stored hashed (engine.people.accounts). A
session cookie is not API authentication, so cross-site forgery has nothing to ride on:
the blueprint is exempt from CSRF, and `g.user` is the token's user or nobody.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from engine.errors import InvalidInput
from engine.people.accounts import SignInRefused, log_access, user_for_token

from ..extensions import csrf, current_jtflow, request_session
from .problems import ApiError, answer_error, invalid_input

api = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(api)

MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; a larger one is a 404, not an overflow
PUBLIC = {"api.openapi"}  # the description of the API is not a secret


@api.before_request
def authenticate() -> Any:
    g.user = None  # a session cookie does not count here
    if request.endpoint in PUBLIC:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return unauthorized(
            "缺少 API 令牌：请在请求头中加入 Authorization: Bearer <令牌>"
            "（令牌用 `jtflow token create 用户名` 生成）"
        )
    engine = current_jtflow()
    now = engine.clock.now()
    with request_session() as db:
        try:
            user = user_for_token(db, token, now)
        except SignInRefused as e:
            db.rollback()
            target = ("path", request.path[:80])
            log_access(db, now, None, "token_refused", allowed=False, target=target, detail=str(e))
            db.commit()
            return unauthorized(str(e))
        db.commit()
    g.user = user
    return None


def unauthorized(detail: str) -> Any:
    response = answer_error(ApiError(401, "unauthorized", detail))
    response.headers["WWW-Authenticate"] = 'Bearer realm="jtflow"'
    return response


api.register_error_handler(ApiError, answer_error)
api.register_error_handler(InvalidInput, invalid_input)
