"""The API's own errors as `{error, detail}` JSON: bad requests the engine never sees (a
malformed body, a bad query parameter, a missing token) and form errors that say which values
a choice allows. Engine errors not handled here go to webui.errors (403s logged there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify

from engine.errors import FieldError, FormInvalid, InvalidInput


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


@dataclass
class ChoiceError(FieldError):
    """A value outside a closed list: the message and `allowed` name the values it may take."""

    allowed: list[Any] = field(default_factory=list)


def answer_error(e: ApiError) -> Response:
    response = jsonify({"error": e.code, "detail": e.detail, **e.extra})
    response.status_code = e.status
    return response


def fields_json(errors: list[FieldError]) -> list[dict[str, Any]]:
    found = []
    for error in errors:
        entry: dict[str, Any] = {"field": error.field, "message": error.message}
        if isinstance(error, ChoiceError):
            entry["allowed"] = error.allowed
        found.append(entry)
    return found


def invalid_input(e: InvalidInput) -> Response:
    """422: well-formed JSON whose content breaks the form (types, choices, missing fields)."""
    extra = {"fields": fields_json(e.errors)} if e.errors else {}
    return answer_error(ApiError(422, "invalid", str(e), **extra))


def allowed_values(schema: dict[str, Any], path: list[str]) -> list[Any] | None:
    """The values a closed-list field allows (`enum` or a `oneOf` of `const`s), if it is one."""
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        if part.isdigit() and "items" in node:
            node = node["items"]
        else:
            node = node.get("properties", {}).get(part)
    if not isinstance(node, dict):
        return None
    if "enum" in node:
        return list(node["enum"])
    options = node.get("oneOf") or node.get("anyOf")
    if options and all(isinstance(o, dict) and "const" in o for o in options):
        return [o["const"] for o in options]
    return None


def with_choices(e: FormInvalid, schema: dict[str, Any], prefix: str = "") -> FormInvalid:
    """The engine's form errors, each naming the allowed values when its field is a choice,
    and located in the request body (`prefix` + field, e.g. `data.decision`)."""
    errors: list[FieldError] = []
    for error in e.errors:
        path = error.field.split(".") if error.field else []
        allowed = allowed_values(schema, path)
        name = prefix + error.field if error.field else prefix.rstrip(".")
        if allowed is not None and "不在可选范围内" in error.message:
            listed = "、".join(str(v) for v in allowed)
            errors.append(
                ChoiceError(name, f"{error.message}（可选值：{listed}）", allowed=allowed)
            )
        else:
            errors.append(FieldError(name, error.message))
    head = str(e).split("：", 1)[0]
    return FormInvalid(f"{head}：" + "；".join(x.message for x in errors), errors)
