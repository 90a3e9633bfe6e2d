"""Fields that apply only to some answers, read from the forms' if/then (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

from engine.definitions.form_conditions import (
    applies,
    conditional_fields,
    required_when_applying,
)

FORMS = Path(__file__).parents[2] / "forms"


def form(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((FORMS / f"{name}.json").read_text())


def test_classify_fields_belong_to_the_decision_they_serve() -> None:
    conditional = conditional_fields(form("classify"))
    assert conditional["lead_unit"] == [{"decision": ["transfer"]}]
    assert conditional["co_units"] == [{"decision": ["transfer"]}]
    assert conditional["return_reason"] == conditional["return_basis"] == [{"decision": ["return"]}]
    assert conditional["remit_office"] == [{"decision": ["ask_remit"]}]
    assert "decision" not in conditional and "note" not in conditional  # always asked
    assert required_when_applying(form("classify")) == {
        "lead_unit",
        "return_reason",
        "return_basis",
        "remit_office",
    }


def test_a_boolean_answer_is_a_condition_too() -> None:
    conditional = conditional_fields(form("leader_approve"))
    assert conditional == {"opinion": [{"approved": [False]}]}
    assert applies(conditional["opinion"], {"approved": False})
    assert not applies(conditional["opinion"], {"approved": True})
    assert not applies(conditional["opinion"], {})


def test_a_condition_it_cannot_read_leaves_the_field_always_asked() -> None:
    schema = {
        "properties": {"kind": {"type": "string"}, "detail": {"type": "string"}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"pattern": "^x"}}, "required": ["kind"]},
                "then": {"required": ["detail"]},
            },
        ],
    }
    assert conditional_fields(schema) == {}


def test_a_draft_holding_anything_has_no_conditions_rather_than_an_error() -> None:
    for odd in (
        {"allOf": ["if", {"if": "x", "then": []}, {"if": {"properties": []}, "then": {}}]},
        {"if": {"properties": {"a": "b"}, "required": ["a"]}, "then": {"required": [1, "c"]}},
        {
            "if": {"properties": {"a": {"enum": "ab"}}, "required": ["a"]},
            "then": {"required": ["c"]},
        },
    ):
        assert conditional_fields(odd) == {} and required_when_applying(odd) == set()
