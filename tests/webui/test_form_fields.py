"""Every form in forms/ drawn as fields and read back from a browser's post (DESIGN.md "Web"):
what a person can enter is exactly what the schema accepts, date-times get Xiamen's offset."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from engine.errors import FieldError
from tests.conftest import FORMS
from tests.form_examples import VALID
from webui.form_fields import data_from, errors_by_field, fields_for


def posted(fields: list[Any]) -> MultiDict[str, str]:
    """What a browser sends for the fields as drawn (their values kept)."""
    form: MultiDict[str, str] = MultiDict()
    for f in fields:
        if f.kind == "group":
            form.update(posted(f.children))
        elif f.kind == "checkboxes":
            for value in f.value:
                form.add(f.name, value)
        elif f.kind == "checkbox":
            if f.value:
                form.add(f.name, "true")
        else:
            form.add(f.name, f.value)
    return form


@pytest.mark.parametrize("name", FORMS.names())
def test_a_valid_answer_survives_the_round_trip_through_the_page(name):
    schema = FORMS.schema(name)
    answer = VALID[name]
    data = data_from(schema, posted(fields_for(schema, answer)))
    FORMS.validate(name, data)
    expected = {k: v for k, v in answer.items() if v not in (None, "")}
    if name == "report_event":  # the page shows minutes in Xiamen's time and sends +08:00
        assert data.pop("discovered_at").endswith("+08:00")
        expected.pop("discovered_at")
    falses = {k for k, p in schema["properties"].items() if p.get("type") == "boolean"}
    lists = {k for k, p in schema["properties"].items() if p.get("type") == "array"}
    assert {k: v for k, v in data.items() if (k in answer or v not in (False, []))} == expected
    assert set(data) - set(answer) <= falses | lists  # unticked boxes are False, empty lists []


def test_a_local_date_time_is_sent_with_xiamens_offset_and_shown_back_in_it():
    schema = FORMS.schema("report_event")
    data = data_from(schema, MultiDict({"discovered_at": "2026-11-24T09:00"}))
    assert data["discovered_at"] == "2026-11-24T09:00:00+08:00"
    (shown,) = [
        f
        for f in fields_for(schema, {"discovered_at": "2026-11-24T01:00:00+00:00"})
        if f.name == "discovered_at"
    ]
    assert shown.kind == "datetime" and shown.value == "2026-11-24T09:00"
    assert data_from(schema, MultiDict({"discovered_at": "昨天"}))["discovered_at"] == "昨天"


def test_blanks_are_left_out_and_booleans_typed():
    schema = FORMS.schema("center_audit")
    assert data_from(schema, MultiDict({"accepted": ""})) == {}
    assert data_from(schema, MultiDict({"accepted": "false"}))["accepted"] is False
    archive = FORMS.schema("archive")
    assert data_from(archive, MultiDict())["complete"] is False  # the schema says 须勾选确认
    (box,) = [f for f in fields_for(archive) if f.name == "complete"]
    assert box.kind == "checkbox" and box.required


def test_errors_land_on_their_field_a_list_items_on_its_list():
    schema = FORMS.schema("report_event")
    placed, loose = errors_by_field(
        schema,
        [
            FieldError("facility.type", "a"),
            FieldError("title", "b"),
            FieldError("", "c"),
            FieldError("nonsense", "d"),
        ],
    )
    assert placed == {"facility.type": "a", "title": "b"} and loose == ["c", "d"]
    placed, _ = errors_by_field(FORMS.schema("classify"), [FieldError("co_units.1", "e")])
    assert placed == {"co_units": "e"}


def test_choices_narrow_a_select():
    schema = FORMS.schema("report_event")
    (channel,) = [
        f for f in fields_for(schema, choices={"channel": ["patrol"]}) if f.name == "channel"
    ]
    assert channel.options == [("patrol", "业务单位日常巡检")]
