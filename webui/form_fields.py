"""A step's JSON Schema (forms/) as HTML form fields, and a posted form back as form data.

The schema stays the one definition of what a step accepts (DESIGN.md "Web"): the page is
drawn from it and the engine validates the data again with the same schema. Widgets:
a select for `oneOf` of `const`/`title` (or `enum`), a checkbox for a boolean, a group of
checkboxes for a list of choices, a text area for `"x-widget": "textarea"`, a
`datetime-local` input for `"format": "date-time"` (sent on as ISO 8601 with +08:00),
a file input for `"x-widget": "file"`, a fieldset for an object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.definitions.form_conditions import (
    applies,
    conditional_fields,
    required_when_applying,
)
from engine.errors import FieldError, FormInvalid
from engine.time.clock import SHANGHAI

from .labels import said, translated

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


@dataclass
class Field:
    name: str  # dotted path in the form data; also the input's name
    title: str
    kind: str  # text, textarea, datetime, select, checkbox, checkboxes, group
    required: bool = False
    description: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    value: Any = None  # as the input shows it: str, bool (checkbox) or list[str] (checkboxes)
    error: str | None = None
    children: list[Field] = field(default_factory=list)
    when: list[dict[str, list[Any]]] | None = None  # the answers under which it applies
    shown: bool = True  # False: its condition does not hold for the values shown

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def fields_for(
    schema: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    *,
    prefix: str = "",
    choices: dict[str, list[str]] | None = None,
) -> list[Field]:
    """The schema's properties as fields holding ``values`` (form data) and ``errors``.

    ``choices`` narrows a select to some of its options (e.g. the channels a post reports)."""
    values, errors, choices = values or {}, errors or {}, choices or {}
    required = set(schema.get("required", []))
    conditional = conditional_fields(schema) if not prefix else {}
    required |= required_when_applying(schema) if not prefix else set()
    fields = []
    for key, prop in schema.get("properties", {}).items():
        name = prefix + key
        kind = _kind(prop)
        f = Field(
            name=name,
            title=str(prop.get("title", key)),
            kind=kind,
            required=key in required or prop.get("const") is True,
            description=prop.get("description"),
            error=errors.get(name),
        )
        if key in conditional:
            f.when, f.shown = conditional[key], applies(conditional[key], values)
        value = values.get(key, prop.get("default"))
        if kind == "group":
            f.children = fields_for(
                prop,
                value if isinstance(value, dict) else {},
                errors,
                prefix=name + ".",
                choices=choices,
            )
        elif kind in ("select", "checkboxes"):
            f.options = _options(prop.get("items", {}) if kind == "checkboxes" else prop)
            if name in choices:
                f.options = [o for o in f.options if o[0] in choices[name]]
            f.value = [_text(v) for v in value or []] if kind == "checkboxes" else _text(value)
        elif kind == "checkbox":
            f.value = value is True
        elif kind == "datetime":
            f.value = _local_input(value)
        elif kind == "file":  # the file as its case holds it: its name
            f.value = str(value.get("name", "")) if isinstance(value, dict) else ""
        else:
            f.value = "" if value is None else str(value)
        fields.append(f)
    return fields


def data_from(
    schema: dict[str, Any], form: MultiDict[str, str], prefix: str = ""
) -> dict[str, Any]:
    """The posted form as form data: empty inputs left out (the schema says if they are
    required), booleans and lists typed, local date-times given Xiamen's offset."""
    data: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        name = prefix + key
        kind = _kind(prop)
        if kind == "file":
            continue  # uploaded by the page itself (webui.task_page), named by its id
        if kind == "group":
            data[key] = data_from(prop, form, name + ".")
        elif kind == "checkbox":
            data[key] = form.get(name) == "true"
        elif kind == "checkboxes":
            item_type = prop.get("items", {}).get("type")
            data[key] = [_typed(v, item_type) for v in form.getlist(name) if v != ""]
        else:
            raw = form.get(name, "")
            blank = raw == "" if kind in ("text", "textarea") else raw.strip() == ""
            if blank:  # left out; blanks in a text stay, for the schema to say why not
                continue
            data[key] = _iso(raw) if kind == "datetime" else _typed(raw, prop.get("type"))
    return data


def errors_by_field(
    schema: dict[str, Any], errors: list[FieldError]
) -> tuple[dict[str, str], list[str]]:
    """The engine's errors keyed by the field that shows them, and those no field shows
    (a list item's error goes to its list)."""
    names = set(_names(schema))
    placed: dict[str, str] = {}
    loose = []
    for error in errors:
        parts = error.field.split(".") if error.field else []
        while parts and ".".join(parts) not in names:
            parts.pop()
        if parts:
            placed.setdefault(".".join(parts), said(error))
        else:
            loose.append(said(error))
    return placed, loose


def form_problems(schema: dict[str, Any], invalid: FormInvalid) -> tuple[dict[str, str], list[str]]:
    """A refused form in the reader's language: each error beside its field, and for the top
    of the page a summary of them all followed by those no field shows."""
    placed, loose = errors_by_field(schema, invalid.errors)
    summary = _(
        "「%(form)s」填写有误：%(detail)s",
        form=translated(schema.get("title", "")),
        detail="；".join(said(e) for e in invalid.errors),
    )
    return placed, [summary, *loose]


def _names(schema: dict[str, Any], prefix: str = "") -> list[str]:
    names = []
    for key, prop in schema.get("properties", {}).items():
        names.append(prefix + key)
        if _kind(prop) == "group":
            names += _names(prop, prefix + key + ".")
    return names


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    if prop.get("x-widget") == "file":  # an upload: the page posts the file, not the field
        return "file"
    if kind == "object":
        return "group"
    if kind == "array":
        return "checkboxes"
    if "oneOf" in prop or "enum" in prop:
        return "select"
    if kind == "boolean":
        return "checkbox"
    if prop.get("format") == "date-time":
        return "datetime"
    if prop.get("x-widget") == "textarea":
        return "textarea"
    return "text"


def _options(prop: dict[str, Any]) -> list[tuple[str, str]]:
    if "oneOf" in prop:
        return [
            (_text(o.get("const")), str(o.get("title", o.get("const"))))
            for o in prop["oneOf"]
            if "const" in o
        ]
    return [(_text(v), str(v)) for v in prop.get("enum", [])]


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _typed(raw: str, kind: Any) -> Any:
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if kind in ("integer", "number"):
        try:
            return int(raw) if kind == "integer" else float(raw)
        except ValueError:
            return raw  # the engine names the field and the type it wants
    return raw


def _iso(raw: str) -> str:
    """2026-11-24T09:00 (Xiamen's wall clock) → 2026-11-24T09:00:00+08:00; anything that is
    not a local date-time is passed on as typed, for the engine to name the field."""
    try:
        local = datetime.fromisoformat(raw.strip())
    except ValueError:
        return raw
    if local.tzinfo is None:
        local = local.replace(tzinfo=SHANGHAI)
    return local.isoformat(timespec="seconds")


def _local_input(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is not None:
            instant = instant.astimezone(SHANGHAI)
    except (ValueError, OverflowError):  # year 1 west of Xiamen, say: refused by the engine
        return value  # shown back as typed
    return instant.strftime(LOCAL_INPUT)
