"""Form schemas in forms/ and the Chinese errors FormRegistry gives for bad data (E4, E8, E10 …)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from engine.definitions.forms import FormRegistry
from engine.errors import DeploymentError, FieldError, FormInvalid, NotFound
from tests.form_examples import VALID

FORMS = FormRegistry(Path(__file__).parents[2] / "forms")
RULE_ID = re.compile(r"^[EDMOAS]\d+$")
HAN = re.compile(r"[\u4e00-\u9fff]")


def errors_of(name: str, data: Any) -> list[FieldError]:
    with pytest.raises(FormInvalid) as caught:
        FORMS.validate(name, data)
    return caught.value.errors


def example(name: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID[name])
    data.update(changes)
    return data


def without(name: str, *fields: str, **changes: Any) -> dict[str, Any]:
    data = example(name, **changes)
    for field in fields:
        data.pop(field, None)
    return data


# -- the schemas themselves ---------------------------------------------------------------


def test_every_form_has_a_valid_example_and_every_example_a_form() -> None:
    assert FORMS.names() == sorted(VALID)


@pytest.mark.parametrize("name", sorted(VALID))
def test_form_loads_with_chinese_titles_and_rule_ids(name: str) -> None:
    schema = FORMS.schema(name)
    assert HAN.search(schema["title"])
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["x-rule"] and all(RULE_ID.match(rule) for rule in schema["x-rule"])
    _check_fields(schema, name)


def _check_fields(node: dict[str, Any], where: str) -> None:
    """Every field has a Chinese title; text is bounded; labelled choices carry a title each."""
    for field, prop in node.get("properties", {}).items():
        at = f"{where}.{field}"
        assert HAN.search(prop.get("title", "")), f"{at} has no Chinese title"
        for option in prop.get("oneOf", []) + prop.get("items", {}).get("oneOf", []):
            assert "const" in option and HAN.search(option["title"]), at
        if prop.get("type") == "string" and "oneOf" not in prop and "format" not in prop:
            assert prop.get("maxLength"), f"{at} has no maxLength"
            if field in node.get("required", []):
                assert prop["minLength"] == 1 and prop["pattern"] == "\\S", at
        if prop.get("type") == "object":
            assert prop["additionalProperties"] is False, at
            _check_fields(prop, at)


def test_schemas_are_cached() -> None:
    assert FORMS.schema("handle_reply") is FORMS.schema("handle_reply")


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_example_passes(name: str) -> None:
    FORMS.validate(name, VALID[name])


# -- E8: a reply carries 事件核实情况 and 处置情况 -------------------------------------------


def test_e8_reply_without_verification_is_refused() -> None:
    errors = errors_of("handle_reply", without("handle_reply", "verification"))
    assert errors == [FieldError("verification", "「事件核实情况」为必填项")]


def test_e8_reply_without_disposal_is_refused() -> None:
    errors = errors_of("handle_reply", without("handle_reply", "disposal"))
    assert errors == [FieldError("disposal", "「处置情况」为必填项")]


def test_e8_reply_without_both_names_both_fields() -> None:
    with pytest.raises(FormInvalid) as caught:
        FORMS.validate("handle_reply", {"important": True})
    assert {e.field for e in caught.value.errors} == {"verification", "disposal"}
    assert str(caught.value).startswith("「办理答复」填写有误：")


@pytest.mark.parametrize(
    "blank, message",
    [
        ("", "「事件核实情况」不能为空"),
        ("   ", "「事件核实情况」不能只含空白字符"),
        ("\n\t", "「事件核实情况」不能只含空白字符"),
    ],
)
def test_e8_blank_verification_is_refused(blank: str, message: str) -> None:
    errors = errors_of("handle_reply", example("handle_reply", verification=blank))
    assert errors == [FieldError("verification", message)]


def test_overlong_text_is_refused() -> None:
    [error] = errors_of("handle_reply", example("handle_reply", disposal="修" * 2001))
    assert error == FieldError("disposal", "「处置情况」不能超过 2000 个字")


# -- E4 / E10: a return states reason and basis --------------------------------------------


def test_e4_classify_return_needs_reason_and_basis() -> None:
    errors = errors_of("classify", {"decision": "return"})
    assert errors == [
        FieldError("return_reason", "「退件理由」为必填项"),
        FieldError("return_basis", "「退件依据」为必填项"),
    ]
    FORMS.validate(
        "classify",
        {
            "decision": "return",
            "return_reason": "不属于交通运输职责",
            "return_basis": "《厦门市城市管理职责分工》",
        },
    )


def test_e4_unclear_remit_names_the_office_to_ask() -> None:
    assert errors_of("classify", {"decision": "ask_remit"}) == [
        FieldError("remit_office", "「提请确认部门」为必填项")
    ]
    FORMS.validate("classify", {"decision": "ask_remit", "remit_office": "BUREAU_LEGAL"})


def test_e2_transfer_names_a_lead_unit() -> None:
    assert errors_of("classify", {"decision": "transfer"}) == [
        FieldError("lead_unit", "「牵头/承办单位」为必填项")
    ]


def test_e10_center_audit_return_needs_reason_and_basis() -> None:
    errors = errors_of("center_audit", {"accepted": False, "reason": "缺少处置情况"})
    assert errors == [FieldError("basis", "「退件依据」为必填项")]
    FORMS.validate(
        "center_audit",
        {
            "accepted": False,
            "reason": "缺少处置情况",
            "basis": "E8：答复须含事件核实情况和处置情况",
        },
    )


def test_e5_sign_for_refusal_needs_a_reason() -> None:
    assert errors_of("sign_for", {"accept": False}) == [FieldError("reason", "「理由」为必填项")]


def test_e9_rejection_needs_an_opinion() -> None:
    for name in ("leader_approve", "deputy_approve", "office_review"):
        assert errors_of(name, {"approved": False}) == [
            FieldError("opinion", "「审核意见」为必填项")
        ]


def test_e14_reached_complainant_needs_satisfaction() -> None:
    assert errors_of("revisit", {"reached": True}) == [
        FieldError("satisfaction", "「满意度」为必填项")
    ]
    FORMS.validate("revisit", {"reached": False, "note": "三次来电均无人接听"})


def test_e13_archive_must_be_confirmed() -> None:
    assert errors_of("archive", {"complete": False}) == [
        FieldError("complete", "「材料齐全，确认归档」须勾选确认")
    ]


def test_missing_requirement_is_not_reported_twice_when_its_condition_is_missing() -> None:
    assert errors_of("revisit", {}) == [FieldError("reached", "「已联系上投诉人」为必填项")]


# -- choices, types, formats, unknown fields -----------------------------------------------


def test_unknown_choice_is_refused() -> None:
    assert errors_of("classify", example("classify", decision="forward")) == [
        FieldError("decision", "「处理方式」的值不在可选范围内")
    ]


def test_unknown_co_unit_is_refused_at_its_position() -> None:
    errors = errors_of("classify", example("classify", co_units=["BUS_GROUP", "CENTER"]))
    assert errors == [FieldError("co_units.1", "「协办单位」的值不在可选范围内")]


def test_duplicate_co_units_are_refused() -> None:
    errors = errors_of("classify", example("classify", co_units=["BUS_GROUP", "BUS_GROUP"]))
    assert errors == [FieldError("co_units", "「协办单位」中有重复的值")]


def test_nested_choice_is_named_by_its_dotted_path() -> None:
    report = example("report_event", facility={"type": "airport", "name": "高崎机场"})
    assert errors_of("report_event", report) == [
        FieldError("facility.type", "「设施类型」的值不在可选范围内")
    ]


def test_wrong_type_gives_one_error() -> None:
    assert errors_of("sign_for", {"accept": "yes"}) == [FieldError("accept", "「签收」应为是/否")]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-24T09:00:00",
        "2026-11-24 09:00",
        "2026-11-24",
        "2026-02-30T09:00:00+08:00",
        "明天上午",
        "2026-12-31T23:59:60Z",
        "0001-01-01T00:00:00+08:00",  # overflows on the way to UTC
        "9999-12-31T23:59:59-08:00",
        "0001-01-01T00:00:00Z",  # overflows on the way to Xiamen
        "1899-12-31T23:59:59Z",
        "3000-01-01T00:00:00+08:00",
    ],
)
def test_discovered_at_without_offset_or_invalid_is_refused(value: str) -> None:
    assert errors_of("report_event", example("report_event", discovered_at=value)) == [
        FieldError(
            "discovered_at",
            "「发现时间」不是有效的日期时间（需含时区，年份在 1900 至 2999 之间，如 2026-11-24T09:00:00+08:00）",
        )
    ]


@pytest.mark.parametrize("value", ["2026-11-24T01:00:00Z", "2026-11-24T09:00:00.250+08:00"])
def test_discovered_at_with_offset_passes(value: str) -> None:
    FORMS.validate("report_event", example("report_event", discovered_at=value))


def test_additional_property_is_refused() -> None:
    assert errors_of("supervise", example("supervise", foo=1)) == [
        FieldError("foo", "不允许的字段：foo")
    ]
    report = example("report_event", facility={"type": "bridge", "name": "海沧大桥", "km": 3})
    assert errors_of("report_event", report) == [
        FieldError("facility.km", "不允许的字段：facility.km")
    ]


def test_data_that_is_not_an_object_is_refused() -> None:
    assert errors_of("supervise", ["督办"]) == [FieldError("", "表单数据必须是对象")]


# -- missing and broken files --------------------------------------------------------------


@pytest.mark.parametrize("name", ["no_such_form", "../setup", "Classify"])
def test_unknown_form_is_not_found_with_the_file_named(name: str) -> None:
    assert not FORMS.has(name)
    with pytest.raises(NotFound, match=r"表单 .* 不存在：找不到 .*\.json"):
        FORMS.schema(name)


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"type": "object",', "不是有效的 UTF-8 JSON"),
        ('{"type": "object", "properties": {"a": {"type": "text"}}}', "不是有效的 JSON Schema"),
        ('["not", "a", "form"]', '"type": "object"'),
    ],
)
def test_broken_schema_file_is_named(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "broken.json").write_text(content, encoding="utf-8")
    forms = FormRegistry(tmp_path)
    assert forms.names() == ["broken"] and forms.has("broken")
    with pytest.raises(DeploymentError) as caught:
        forms.validate("broken", {})
    assert "broken.json" in str(caught.value) and reason in str(caught.value)


def test_text_with_a_nul_character_is_refused_wherever_it_is_typed() -> None:
    """PostgreSQL cannot store it: pages and the command line get the field's error too."""
    data = example("report_event", title="漏\x00水")
    data["facility"] = {**data["facility"], "name": "\x00"}
    assert errors_of("report_event", data) == [
        FieldError("facility.name", "「设施名称」不能含 NUL 字符（\\u0000）"),
        FieldError("title", "「事件标题」不能含 NUL 字符（\\u0000）"),
    ]
