"""Fields that apply only under a condition, read from a form's JSON Schema `if`/`then`.

A property a `then` names (required there, or described there) belongs to that `if`: 退件理由
applies when 退件 is chosen, not while 转办 is. The page shows and sends such a field only
while one of its conditions holds; the engine's rule is the schema itself, which requires
it just then. A condition is understood when its `if` only pins properties to a `const` or
an `enum`; a field under any other condition is always shown, never hidden on a guess.

Answers are recorded as sent: dropping some on the server would make the replay of a case
answered before a form gained its conditions differ from its history.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import orjson

Condition = dict[str, list[Any]]  # property → the values under which the condition holds


def conditional_fields(schema: Mapping[str, Any]) -> dict[str, list[Condition]]:
    """Each conditional property of the form → the conditions under which it applies."""
    return _conditional(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS))


@lru_cache(maxsize=256)  # drafts in the form editor are schemas too
def _conditional(schema_json: bytes) -> dict[str, list[Condition]]:
    schema = orjson.loads(schema_json)
    found: dict[str, list[Condition]] = {}
    understood: dict[str, bool] = {}
    for when, then in _if_then(schema):
        named = [*_names(then.get("required")), *_names(then.get("properties"))]
        condition = _condition(when)
        for name in named:
            understood[name] = understood.get(name, True) and condition is not None
            if condition is not None:
                found.setdefault(name, []).append(condition)
    return {name: found[name] for name, ok in understood.items() if ok}


def _if_then(schema: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """The form's `if`/`then` pairs, at its top and in its `allOf` (a draft being edited
    may hold anything: what is not a pair of objects is no condition)."""
    parts = schema.get("allOf")
    parts = [schema, *(parts if isinstance(parts, list) else [])]
    return [
        (part["if"], part["then"])
        for part in parts
        if isinstance(part, dict)
        and isinstance(part.get("if"), dict)
        and isinstance(part.get("then"), dict)
    ]


def _names(listed: Any) -> list[str]:
    return [name for name in listed or () if isinstance(name, str)]


def _condition(when: Mapping[str, Any]) -> Condition | None:
    """An `if` as property → allowed values, when it says no more than that."""
    properties = when.get("properties")
    if set(when) - {"properties", "required"} or not isinstance(properties, dict):
        return None
    condition: Condition = {}
    for name, rule in properties.items():
        if not isinstance(rule, dict):
            return None
        if set(rule) == {"const"}:
            condition[name] = [rule["const"]]
        elif set(rule) == {"enum"} and isinstance(rule["enum"], list):
            condition[name] = list(rule["enum"])
        else:
            return None
    if not condition or set(_names(when.get("required"))) != set(condition):
        return None  # an `if` that holds when its property is absent is not a choice made
    return condition


def required_when_applying(schema: Mapping[str, Any]) -> set[str]:
    """The conditional fields a `then` requires: required whenever they are shown."""
    conditional = conditional_fields(schema)
    return {
        name
        for _when, then in _if_then(schema)
        for name in _names(then.get("required"))
        if name in conditional
    }


def applies(conditions: list[Condition], data: Mapping[str, Any]) -> bool:
    """Whether one of a field's conditions holds for the answers given."""
    return any(
        all(name in data and data[name] in values for name, values in condition.items())
        for condition in conditions
    )
