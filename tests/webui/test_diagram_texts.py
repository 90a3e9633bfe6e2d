"""Step names and form texts from processes/ and forms/ in the reader's language: the
English catalog covers every one shipped (tools/diagram_messages.py), pages show them
translated at display time, and a text without a translation shows as written."""

from __future__ import annotations

import json

from engine.people.reference import ROLES
from tests.factories import deploy_variant, report, step, task_at
from tests.webui.pages import post, signed_in_as, text
from tools.diagram_messages import POST, diagram_messages, diagram_posts, main, missing
from webui.labels import post_name, translated


def test_every_shipped_step_name_and_form_text_has_english(capsys):  # type: ignore[no-untyped-def]
    messages = diagram_messages()
    assert "分类转办" in messages and "处理方式" in messages  # the tool reads both folders
    untranslated = missing(messages)
    assert not untranslated, "add msgstrs to messages.po for:\n" + "\n".join(
        f"{t}\t{', '.join(places)}" for t, places in untranslated.items()
    )
    assert main(["--missing"]) == 0 and capsys.readouterr().out == ""


def test_every_lane_gateway_flow_and_post_has_english():  # type: ignore[no-untyped-def]
    """Issue 16: the case diagram draws lanes, gateways, events and flow labels, and the task
    and case pages name each task's post (岗位): all of them in English on English pages."""
    messages = diagram_messages()
    for drawn in ("承办单位", "事件来源？", "分头办理", "确定平台时限", "统一监测", "本轮结束"):
        assert drawn in messages
    posts = diagram_posts()
    assert {"投诉受理岗", "平台受理岗", "办理人", "单位领导", "分管领导"} <= set(posts)
    assert missing(posts, context=POST) == {}
    assert missing({role: ["ROLES"] for role in ROLES}, context=POST) == {}


BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
  <bpmn:process id="p" name="试验流程">
    <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="试验泳道" /></bpmn:laneSet>
    <bpmn:userTask id="t1" name="试验步骤">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="试验岗" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:inputDataItem id="item" name="item" />
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:userTask id="t2" name="另一步骤">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="=chosen_role" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:scriptTask id="s1" name="内部脚本" />
    <bpmn:exclusiveGateway id="g1" name="是否通过？" />
    <bpmn:sequenceFlow id="f1" name="通过" sourceRef="t1" targetRef="g1" />
  </bpmn:process>
</bpmn:definitions>
"""

FORM = {
    "title": "试验表单",
    "properties": {
        "title": {"title": "事件标题", "type": "string"},
        "kind": {"title": "类别", "enum": ["甲类", "乙类"]},
        "where": {
            "type": "object",
            "description": "地点说明",
            "properties": {"side": {"anyOf": [{"const": "l", "title": "左侧"}]}},
        },
        "units": {"type": "array", "items": {"oneOf": [{"const": "a", "title": "甲单位"}]}},
    },
}


def test_the_tool_lists_names_titles_descriptions_and_choices(tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "processes").mkdir()
    (tmp_path / "forms").mkdir()
    (tmp_path / "processes" / "p.bpmn").write_text(BPMN, encoding="utf-8")
    (tmp_path / "forms" / "f.json").write_text(json.dumps(FORM), encoding="utf-8")
    messages = diagram_messages(tmp_path / "processes", tmp_path / "forms")
    assert set(messages) == {
        "试验流程",
        "试验泳道",  # lanes, script tasks, gateways and flow labels are drawn too
        "试验步骤",
        "另一步骤",
        "内部脚本",
        "是否通过？",
        "通过",
        "试验表单",
        "事件标题",  # a property named "title" is a field: only its title keyword is a text
        "类别",
        "甲类",
        "乙类",
        "地点说明",
        "左侧",
        "甲单位",
    }
    assert messages["试验步骤"][0].endswith("p.bpmn#t1")
    posts = diagram_posts(tmp_path / "processes")  # an expression's post is not a text
    assert set(posts) == {"试验岗"} and posts["试验岗"][0].endswith("p.bpmn#t1")
    assert messages["左侧"][0].endswith("f.json#/properties/where/properties/side/anyOf/0/title")


def test_a_fuzzy_or_empty_msgstr_counts_as_missing(tmp_path):  # type: ignore[no-untyped-def]
    catalog = tmp_path / "messages.po"
    catalog.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "签收"\nmsgstr "Sign for"\n\n'
        'msgid "归档"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "催办"\nmsgstr "Press"\n',
        encoding="utf-8",
    )
    messages = {"签收": ["a"], "归档": ["b"], "催办": ["c"]}
    assert set(missing(messages, catalog)) == {"归档", "催办"}


def test_a_text_without_a_translation_shows_as_written(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/?lang=en"):
        assert translated("分类转办") == "Classify and transfer"
        assert translated("分类与转办") == "分类与转办"  # renamed by a process owner
        assert translated("") == "" and translated(None) == ""  # never the catalog header
    with app.test_request_context("/?lang=zh"):
        assert translated("分类转办") == "分类转办"


def test_a_post_reads_in_its_own_context(app):  # type: ignore[no-untyped-def]
    """办理人 is a handler as a post, though the catalog says "Who" for the column heading."""
    with app.test_request_context("/?lang=en"):
        assert post_name("办理人") == "Handler" and translated("办理人") == "Who"
        assert post_name("投诉受理岗") == "Complaint intake post (12328 seat)"
        assert post_name("新设岗位") == "新设岗位" and post_name(None) == ""
    with app.test_request_context("/?lang=zh"):
        assert post_name("办理人") == "办理人"


def test_the_inbox_names_steps_in_the_readers_language(client, jtflow):  # type: ignore[no-untyped-def]
    report(jtflow)
    signed_in_as(client, "c_12328")
    english = text(client.get("/?lang=en"))
    assert 'data-step="classify">Classify and transfer</td>' in english
    assert '<option value="classify">Classify and transfer</option>' in english  # step filter
    assert "分类转办" not in english
    chinese = text(client.get("/?lang=zh"))
    assert 'data-step="classify">分类转办</td>' in chinese and "Classify" not in chinese


def test_the_task_page_form_and_history_in_english(client, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    signed_in_as(client, "c_12328")
    page = text(client.get(f"/tasks/{task.id}?lang=en"))
    assert '<h1 id="task-name">Classify and transfer</h1>' in page
    assert "Monitoring and Command Center · Complaint intake post (12328 seat)" in page  # 岗位
    assert '<label for="f-decision">Decision <span class="req"' in page
    assert '<option value="transfer">Transfer</option>' in page
    assert "Suggested by the routing table; may be changed" in page
    assert '<option value="BUS_GROUP" selected>Xiamen Bus Group Co., Ltd.</option>' in page
    assert "<legend>Assisting units</legend>" in page  # checkboxes
    assert "Step started：Classify and transfer" in page  # the history
    for chinese in ("分类转办", "处理方式", "转办", "厦门公交集团有限公司", "协办单位"):
        assert chinese not in page
    response = post(client, f"/tasks/{task.id}", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    assert "&#34;Classify and transfer&#34; submitted" in text(client.get(response.location))


def test_what_earlier_steps_said_reads_in_english(client, jtflow):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    for element in ("classify", "sign_for", "handle_reply", "leader_approve"):
        step(jtflow, case, element)
    step(
        jtflow,
        case,
        "center_audit",
        {"accepted": False, "reason": "未写明修复时间", "basis": "E10"},
    )
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/tasks/{task_at(jtflow, case, 'handle_reply').id}?lang=en"))
    answers = page[page.index('id="answers"') : page.index('id="case-summary"')]
    assert "<h3>Center reviews reply · " in answers
    assert '<dt>Meets the requirements</dt><dd class="pre">Falls short: return</dd>' in answers
    assert "<dt>Reason for returning</dt>" in answers and "未写明修复时间" in answers  # as typed
    assert (
        '<dt>Important matter: send to the leader in charge for review</dt><dd class="pre">No</dd>'
        in answers
    )


def test_a_step_renamed_in_a_new_version_shows_as_written(client, jtflow, tmp_path):  # type: ignore[no-untyped-def]
    deploy_variant(
        jtflow,
        tmp_path / "v2",
        ('id="classify" name="分类转办"', 'id="classify" name="分类与转办"'),
    )
    report(jtflow)
    signed_in_as(client, "c_12328")
    assert 'data-step="classify">分类与转办</td>' in text(client.get("/?lang=en"))
