"""The forms of human steps: one JSON Schema per form in ``forms/``, checked before data enters a
workflow, with errors in Chinese that name each field by its title.

A step's BPMN element names its form (``formJsonSchemaFilename``); the schema is the single
definition of what the step accepts, so the web inbox, the CLI and the engine check the same rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.exceptions import SchemaError
from rfc3339_validator import validate_rfc3339
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ..errors import DeploymentError, FieldError, FormInvalid, NotFound, Problem
from ..models import FormVersion
from ..time.clock import Clock, within_years
from .schema_patterns import UnsupportedPattern, compiled

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPES = {
    "string": "文本",
    "boolean": "是/否",
    "array": "列表",
    "object": "对象",
    "integer": "整数",
    "number": "数字",
    "null": "空值",
}


def _is_date_time(value: object) -> bool:
    """RFC 3339 (so an offset is required), readable by ``datetime.fromisoformat``, and in
    the years a person may mean (engine.time.clock.YEARS)."""
    if not isinstance(value, str):
        return True
    if not validate_rfc3339(value):
        return False
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:  # e.g. a leap second, which RFC 3339 allows and Python does not
        return False
    return within_years(instant)  # year 1 or 9999 would overflow in time-zone conversion


# Only our own date-time check: jsonschema's default one silently passes everything when the
# optional rfc3339-validator package is missing.
FORMAT_CHECKER = FormatChecker(formats=())
FORMAT_CHECKER.checks("date-time")(_is_date_time)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """`pattern` as JSON Schema means it (ECMA-262), not as Python's `re` would read it."""
    if validator.is_type(instance, "string") and not compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


FormValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


class FormRegistry:
    """Loads, checks and caches the schemas in one ``forms/`` directory, and — once bound to
    a database and a clock (`bound`) — the versions a process owner deployed from the
    browser: the newest one deployed by the clock's now is in force, so a replay, whose
    clock stands at each recorded instant, fills in the form as it was then."""

    def __init__(self, forms_dir: Path) -> None:
        self.forms_dir = Path(forms_dir)
        self._loaded: dict[str, tuple[dict[str, Any], Draft202012Validator]] = {}
        self._deployed: DeployedForms | None = None
        self._clock: Clock | None = None

    def bound(self, sessions: sessionmaker[Session], clock: Clock) -> FormRegistry:
        """This registry reading the forms deployed in `sessions`' database as of `clock`."""
        view = FormRegistry(self.forms_dir)
        view._loaded = self._loaded  # the files' schemas are the same for every view
        view._deployed, view._clock = DeployedForms(sessions), clock
        return view

    def names(self) -> list[str]:
        files = {p.stem for p in self.forms_dir.glob("*.json") if _NAME.match(p.stem)}
        deployed = (
            self._deployed.names(self._clock.now()) if self._deployed and self._clock else set()
        )
        return sorted(files | deployed)

    def has(self, name: str) -> bool:
        """Whether the form exists (a file, or deployed); a broken file still raises on
        ``schema``."""
        if not _NAME.match(name):
            return False
        return self._path(name).is_file() or self._in_force(name) is not None

    def schema(self, name: str) -> dict[str, Any]:
        return self._load(name)[0]

    def forget_deployed(self) -> None:
        """Read the deployed versions again at the next use (after a deployment here)."""
        if self._deployed is not None:
            self._deployed.forget()

    def version(self, name: str) -> int:
        """The deployed version in force, or 0 for the file in forms/."""
        in_force = self._in_force(name)
        return 0 if in_force is None else in_force.version

    def validate(self, name: str, data: Any) -> None:
        """Raise FormInvalid with one FieldError per problem found in ``data``."""
        schema, validator = self._load(name)
        errors = _field_errors(schema, validator.iter_errors(data))
        named = {e.field for e in errors}
        errors += [e for e in _nul_errors(schema, data) if e.field not in named]
        if errors:
            detail = "；".join(e.message for e in errors)
            raise FormInvalid(f"「{schema.get('title', name)}」填写有误：{detail}", errors=errors)

    def _path(self, name: str) -> Path:
        return self.forms_dir / f"{name}.json"

    def _in_force(self, name: str) -> DeployedForm | None:
        if self._deployed is None or self._clock is None:
            return None
        return self._deployed.in_force(name, self._clock.now())

    def _load(self, name: str) -> tuple[dict[str, Any], Draft202012Validator]:
        in_force = self._in_force(name)
        if in_force is not None:
            return in_force.checked
        if name in self._loaded:
            return self._loaded[name]
        path = self._path(name)
        if not _NAME.match(name) or not path.is_file():
            raise NotFound(
                f"表单 {name} 不存在：找不到 {path}；请在 forms/ 目录中添加 "
                f"{name}.json，或修正流程图中的 formJsonSchemaFilename"
            )
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise _broken(str(path), f"不是有效的 UTF-8 JSON：{e}") from e
        loaded = checked_schema(schema, str(path))
        self._loaded[name] = loaded
        return loaded


def checked_schema(schema: Any, where: str) -> tuple[dict[str, Any], Draft202012Validator]:
    """The schema and its validator, or DeploymentError saying what is wrong with it: a form
    is an object schema of JSON Schema 2020-12 whose patterns read as JSON Schema means."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise _broken(where, '表单的根必须是 "type": "object" 的 JSON Schema')
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        at = "/".join(str(p) for p in e.path) or "根"
        raise _broken(
            where, f"不是有效的 JSON Schema（draft 2020-12），位置 {at}：{e.message}"
        ) from e
    for pattern in _patterns(schema):
        try:
            compiled(pattern)
        except (UnsupportedPattern, re.error) as e:
            raise _broken(
                where, f"pattern {pattern} 不能按 JSON Schema（ECMA-262）读取：{e}"
            ) from e
    return schema, FormValidator(schema, format_checker=FORMAT_CHECKER)


@dataclass(frozen=True)
class DeployedForm:
    version: int
    deployed_at: datetime
    checked: tuple[dict[str, Any], Draft202012Validator]


class DeployedForms:
    """The form versions deployed from the browser. Several processes may serve one city, so
    whether another deployed one is asked again (one small query) once a second of the
    clock has passed; a deployment in this process is seen at once (`forget`)."""

    RECHECK = timedelta(seconds=1)

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._seen: int | None = None
        self._checked_at: datetime | None = None
        self._by_name: dict[str, list[DeployedForm]] = {}

    def names(self, now: datetime) -> set[str]:
        self._refresh(now)
        return set(self._by_name)

    def in_force(self, name: str, now: datetime) -> DeployedForm | None:
        self._refresh(now)
        found = [v for v in self._by_name.get(name, []) if v.deployed_at <= now]
        return found[-1] if found else None

    def forget(self) -> None:
        self._checked_at = None

    def _refresh(self, now: datetime) -> None:
        if self._checked_at is not None and abs(now - self._checked_at) < self.RECHECK:
            return
        self._checked_at = now
        with self.sessions() as session:
            newest = session.scalar(select(func.max(FormVersion.id)))
            if newest == self._seen:
                return
            rows = session.scalars(
                select(FormVersion).order_by(FormVersion.name, FormVersion.version)
            )
            by_name: dict[str, list[DeployedForm]] = {}
            for row in rows:
                checked = checked_schema(row.schema, f"{row.name} 第 {row.version} 版")
                by_name.setdefault(row.name, []).append(
                    DeployedForm(row.version, row.deployed_at, checked)
                )
        self._by_name, self._seen = by_name, newest


def _broken(where: str, message: str) -> DeploymentError:
    return DeploymentError([Problem(f"表单有误：{message}；请修正后重新部署", where)])


def _field_errors(schema: dict[str, Any], errors: Iterable[ValidationError]) -> list[FieldError]:
    """One FieldError per field: a wrong type outranks the checks that follow from it."""
    found: dict[str, FieldError] = {}
    ranked = sorted(errors, key=lambda e: {"type": 0, "minLength": 1}.get(str(e.validator), 2))
    for error in ranked:
        for field_error in _translate(schema, error):
            found.setdefault(field_error.field, field_error)
    return list(found.values())


def _nul_errors(schema: dict[str, Any], data: Any) -> list[FieldError]:
    """Text with a NUL character, which PostgreSQL cannot store, wherever it is typed."""
    found: list[FieldError] = []
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str) and "\x00" in node:
            found.append(_error(schema, path, "「{}」不能含 NUL 字符（\\u0000）"))
        elif isinstance(node, dict):
            stack.extend(([*path, key], value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend(([*path, i], value) for i, value in enumerate(node))
    return sorted(found, key=lambda e: e.field)


def _translate(schema: dict[str, Any], error: ValidationError) -> list[FieldError]:
    path = list(error.absolute_path)
    kind = str(error.validator)
    instance = error.instance
    if kind == "required" and isinstance(instance, dict):
        missing = [p for p in error.validator_value if p not in instance]
        return [_error(schema, [*path, p], "「{}」为必填项") for p in missing]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        return [
            FieldError(_dotted([*path, p]), f"不允许的字段：{_dotted([*path, p])}")
            for p in instance
            if p not in known
        ]
    if kind == "type":
        expected = error.validator_value
        types = expected if isinstance(expected, list) else [expected]
        wanted = "或".join(_TYPES.get(str(t), str(t)) for t in types)
        if not path:
            return [FieldError("", f"表单数据必须是{wanted}")]
        return [_error(schema, path, "「{}」应为{}", wanted)]
    if kind == "const" and error.validator_value is True:
        return [_error(schema, path, "「{}」须勾选确认")]
    templates = {
        "oneOf": "「{}」的值不在可选范围内",
        "enum": "「{}」的值不在可选范围内",
        "const": "「{}」的值不在可选范围内",
        "minLength": "「{}」不能为空",
        "pattern": "「{}」不能只含空白字符",
        "maxLength": "「{}」不能超过 {} 个字",
        "uniqueItems": "「{}」中有重复的值",
        "format": "「{}」不是有效的日期时间（需含时区，年份在 1900 至 2999 之间，如 2026-11-24T09:00:00+08:00）",
    }
    # "format" can only be date-time: FORMAT_CHECKER checks no other format.
    if kind in templates:
        return [_error(schema, path, templates[kind], str(error.validator_value))]
    return [_error(schema, path, "「{}」不符合要求（{}）", kind)]


def _error(
    schema: dict[str, Any], path: Sequence[str | int], template: str, *more: str
) -> FieldError:
    """`template` filled with the field's title, then `more` (templates that need only the
    title ignore the rest)."""
    args = (_title(schema, path), *more)
    return FieldError(_dotted(path), template.format(*args), template, args)


def _dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(p) for p in path)


def _title(schema: dict[str, Any], path: Sequence[str | int]) -> str:
    """The title of the field at ``path``, or of the nearest titled field above it (list items)."""
    title = _dotted(path)
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            break
        node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        if isinstance(node, dict) and node.get("title"):
            title = node["title"]
        elif not isinstance(part, int):
            title = str(part)
    return title
