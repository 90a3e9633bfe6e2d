"""Reading what a client sent: a JSON object body and typed query parameters.

Each problem is a 4xx naming what to fix: 415 not JSON, 413 too large, 400 malformed or
not an object or too deeply nested, 400 a query parameter of the wrong kind.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import FieldError

from .problems import ApiError, ChoiceError, fields_json

LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a pair is decoded to one character already
INTEGER = re.compile("-?[0-9]+")
MAX_DEPTH = 32  # no form nests deeper; deeper bodies are refused before anything reads them


def json_object() -> dict[str, Any]:
    """The request body as a JSON object."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "请求体须为 JSON：请设置请求头 Content-Type: application/json",
        )
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large() from None
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise ApiError(400, "malformed_json", f"请求体嵌套过深：最多 {MAX_DEPTH} 层") from None
    except ValueError as e:
        raise ApiError(400, "malformed_json", f"请求体不是有效的 JSON：{e}") from None
    if not isinstance(body, dict):
        kind = type(body).__name__.replace("NoneType", "null")
        raise ApiError(400, "not_an_object", f"请求体须为 JSON 对象（{{...}}），收到的是 {kind}")
    _check_shape(body)
    return body


def too_large() -> ApiError:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return ApiError(413, "too_large", f"请求体过大：上限为 {limit // 1024} KB")


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON 不允许 {name}")


def _check_shape(body: Any) -> None:
    """Nesting within MAX_DEPTH, no NUL character (which PostgreSQL cannot store) and no lone
    surrogate (`"\\ud800"`: valid JSON, but no UTF-8 text can hold it, so no database or
    answer either), in values and keys, walked iteratively: a recursive walk is what a deeply
    nested body attacks."""
    stack = [(body, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise ApiError(400, "malformed_json", "请求体中的文本不能含 NUL 字符（\\u0000）")
            if LONE_SURROGATE.search(node):
                raise ApiError(
                    400,
                    "malformed_json",
                    "请求体中的文本含有孤立的代理项（如 \\ud800），不是有效的 Unicode 字符："
                    "请检查客户端的文本编码",
                )
        elif isinstance(node, dict | list):
            if level > MAX_DEPTH:
                raise ApiError(400, "malformed_json", f"请求体嵌套过深：最多 {MAX_DEPTH} 层")
            children = [*node, *node.values()] if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)


class Query:
    """Query parameters, read one by one; every problem is collected, then raised at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def text(self, name: str) -> str | None:
        value = request.args.get(name)
        if value and "\x00" in value:
            self.errors.append(FieldError(name, f"参数 {name} 不能含 NUL 字符"))
            return None
        return value if value else None

    def choice(self, name: str, allowed: list[str] | tuple[str, ...]) -> str | None:
        """One of `allowed`, or None when absent. An empty value (`?light=`) is not one of
        them and not absent either: refused, as the document's enum says."""
        listed = "、".join(allowed)
        if request.args.get(name) == "":
            self.errors.append(
                ChoiceError(
                    name,
                    f"参数 {name} 为空：不筛选时请省略该参数，否则取可选值之一（{listed}）",
                    allowed=list(allowed),
                )
            )
            return None
        value = self.text(name)
        if value is not None and value not in allowed:
            self.errors.append(
                ChoiceError(
                    name,
                    f"参数 {name} 的值 {value} 不在可选范围内（可选值：{listed}）",
                    allowed=list(allowed),
                )
            )
            return None
        return value

    def integer(
        self, name: str, default: int, low: int, high: int | None = None, *, about: str = ""
    ) -> int:
        """The parameter as an integer in [low, high]; with `about` (what it means) it is
        required, and its absence is said with that meaning."""
        value = request.args.get(name)
        if value is None:
            if about:
                self.errors.append(FieldError(name, f"缺少参数 {name}：{about}"))
            return default
        if not INTEGER.fullmatch(value):  # int() would also take "1_0", " 1" and "١"
            got = value[:40] or "空值"
            self.errors.append(FieldError(name, f"参数 {name} 应为整数，收到 {got}"))
            return default
        number = int(value)
        if number < low or (high is not None and number > high):
            bounds = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"
            self.errors.append(FieldError(name, f"参数 {name} 应{bounds}"))
            return default
        return number

    def check(self) -> None:
        if self.errors:
            detail = "查询参数有误：" + "；".join(e.message for e in self.errors)
            raise ApiError(400, "invalid_parameter", detail, fields=fields_json(self.errors))
