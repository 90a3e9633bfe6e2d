"""Deploying diagrams: versions by content hash, and clear refusals naming file, element and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT
from engine.errors import DeploymentError

LIFECYCLE = PROJECT_ROOT / "processes" / "event_lifecycle.bpmn"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="defs" targetNamespace="https://jtflow.example/test">\n'
    '<bpmn:process id="tiny" isExecutable="true">\n'
)
TAIL = "</bpmn:process>\n</bpmn:definitions>\n"
FORM = (
    "<bpmn:extensionElements><spiffworkflow:properties>"
    '<spiffworkflow:property name="formJsonSchemaFilename" value="sign_for.json" />'
    '<spiffworkflow:property name="unit" value="BUS_GROUP" />'
    '<spiffworkflow:property name="role" value="办理人" />'
    "</spiffworkflow:properties></bpmn:extensionElements>"
)


def diagram(body: str) -> str:
    return HEAD + body + TAIL


def script_process(script: str) -> str:
    return diagram(
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
        '<bpmn:scriptTask id="evil" scriptFormat="python"><bpmn:incoming>f1</bpmn:incoming>'
        f"<bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>\n"
        '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="evil" />\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="evil" targetRef="end" />\n'
    )


def user_task(props: str = FORM) -> str:
    return diagram(
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
        f'<bpmn:userTask id="work">{props}<bpmn:incoming>f1</bpmn:incoming>'
        "<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>\n"
        '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />\n'
    )


def refused(jtflow, tmp_path: Path, text: str, name: str = "bad.bpmn") -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeploymentError) as caught:
        jtflow.deploy(path)
    return str(caught.value)


def test_the_lifecycle_deploys_once_per_content(jtflow, tmp_path):
    definition, created = jtflow.deploy(LIFECYCLE)
    assert not created and definition.version == 1  # already deployed by the fixture
    changed = tmp_path / "event_lifecycle.bpmn"
    changed.write_text(LIFECYCLE.read_text().replace("登记事件", "登记事件（新版）"))
    for dmn in LIFECYCLE.parent.glob("*.dmn"):
        (tmp_path / dmn.name).write_bytes(dmn.read_bytes())
    definition, created = jtflow.deploy(changed)
    assert created and definition.version == 2
    assert set(definition.files) == {
        "event_lifecycle.bpmn",
        "event_routing.dmn",
        "feedback_deadline.dmn",
        "platform_deadline.dmn",
    }


def test_a_good_tiny_diagram_deploys(jtflow, tmp_path):
    path = tmp_path / "tiny.bpmn"
    path.write_text(user_task(), encoding="utf-8")
    definition, created = jtflow.deploy(path)
    assert created and definition.process_id == "tiny"


def test_malformed_xml_names_file_and_line(jtflow, tmp_path):
    message = refused(jtflow, tmp_path, diagram("<bpmn:startEvent id='s'>\n"))
    assert "bad.bpmn:" in message and "XML 格式错误" in message


def test_unknown_element_is_refused_by_the_xsd(jtflow, tmp_path):
    message = refused(
        jtflow,
        tmp_path,
        user_task().replace(
            '<bpmn:endEvent id="end">', '<bpmn:frobnicate id="x" /><bpmn:endEvent id="end">'
        ),
    )
    assert "frobnicate" in message and "bad.bpmn" in message


def test_dangling_flow_is_refused(jtflow, tmp_path):
    message = refused(
        jtflow, tmp_path, user_task().replace('targetRef="end"', 'targetRef="nowhere"')
    )
    assert "nowhere" in message


def test_missing_form_is_refused(jtflow, tmp_path):
    message = refused(jtflow, tmp_path, user_task(FORM.replace("sign_for.json", "no_such.json")))
    assert "no_such.json" in message and "[work]" in message


def test_user_task_without_form_is_refused(jtflow, tmp_path):
    message = refused(jtflow, tmp_path, user_task(""))
    assert "缺少表单" in message and "[work]" in message


def test_unknown_unit_and_role_are_refused(jtflow, tmp_path):
    props = FORM.replace('value="BUS_GROUP"', 'value="NO_SUCH_UNIT"').replace("办理人", "扫地僧")
    message = refused(jtflow, tmp_path, user_task(props))
    assert "NO_SUCH_UNIT" in message and "扫地僧" in message


@pytest.mark.parametrize(
    "script",
    [
        "__import__('os').system('id')",
        "import os",
        "data = open('/etc/passwd').read()",
        "x = ().__class__.__mro__",
        "x = eval('1 + 1')",
    ],
)
def test_unsafe_scripts_are_refused_with_element_and_line(jtflow, tmp_path, script):
    message = refused(jtflow, tmp_path, script_process(script.replace("'", "&apos;")))
    assert "bad.bpmn:" in message and "[evil]" in message


def test_nothing_is_stored_when_a_deployment_is_refused(jtflow, tmp_path):
    from engine.models import Definition

    refused(jtflow, tmp_path, script_process("import os"))
    with jtflow.sessions() as session:
        assert session.query(Definition).count() == 1
