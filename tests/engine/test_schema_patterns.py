"""Forms' `pattern`s mean what JSON Schema (ECMA-262) says, as the API's document promises:
not what Python's `re` would make of the same text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from engine.definitions.forms import FormRegistry
from engine.definitions.schema_patterns import UnsupportedPattern, as_python, compiled
from engine.errors import DeploymentError, FieldError, FormInvalid

# Python's `re` and ECMA-262 disagree on each of these
PROBES = ["\x1d", "\x1c", "\x85", "\ufeff", "\u3000", "\u00a0", " \t", "x", "٣", "é", "_", "·"]


@pytest.mark.parametrize(
    "pattern", ["\\S", "\\s", "^\\d+$", "\\D", "\\w", "^\\W$", "[\\s,]", "[^\\d]", "a\\\\S"]
)
def test_shorthands_match_as_ecma_262_says(pattern: str) -> None:
    ecma = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    for probe in PROBES:
        assert bool(compiled(pattern).search(probe)) == ecma.is_valid(probe), (pattern, probe)


@pytest.mark.parametrize("pattern", ["[\\S,]", "[a\\D]", "[]", "[^]"])
def test_what_cannot_be_written_out_is_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedPattern):
        as_python(pattern)


def test_a_blank_form_field_is_blank_by_ecma_262(tmp_path: Path) -> None:
    form = {
        "type": "object",
        "properties": {"note": {"title": "说明", "type": "string", "pattern": "\\S"}},
    }
    (tmp_path / "note.json").write_text(json.dumps(form), encoding="utf-8")
    forms = FormRegistry(tmp_path)
    forms.validate("note", {"note": "\x1d"})  # a control character, not a blank, in JSON Schema
    with pytest.raises(FormInvalid) as blank:
        forms.validate("note", {"note": "\u3000\ufeff"})
    assert blank.value.errors == [FieldError("note", "「说明」不能只含空白字符")]


def test_a_form_whose_pattern_python_cannot_read_as_ecma_is_refused(tmp_path: Path) -> None:
    form = {"type": "object", "properties": {"code": {"type": "string", "pattern": "[\\S-]"}}}
    (tmp_path / "code.json").write_text(json.dumps(form), encoding="utf-8")
    with pytest.raises(DeploymentError, match="ECMA-262"):
        FormRegistry(tmp_path).schema("code")
