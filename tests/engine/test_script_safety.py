"""DESIGN.md "Scripts are not trusted code": the deploy-time allow-list and run-time globals."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.run.diagram_functions import PUBLISHED_NAMES
from engine.run.guarded_evaluator import GuardedEnvironment
from engine.run.script_safety import check_source, scan_diagram
from engine.run.spiff import DiagramParser


def problems(source: str, mode: str = "eval") -> list[str]:
    found = check_source(
        source,
        mode=mode,
        callables=PUBLISHED_NAMES,  # type: ignore[arg-type]
        file="x.bpmn",
        element_id="e",
        line=10,
    )
    return [p.message for p in found]


@pytest.mark.parametrize(
    ("source", "mode", "says"),
    [
        ("import os", "exec", "import"),
        ("from os import system", "exec", "import"),
        ("__import__('os')", "eval", "下划线"),
        ("open('/etc/passwd')", "eval", "open()"),
        ("().__class__.__mro__", "eval", "属性"),
        ("eval('1 + 1')", "eval", "eval()"),
        ("getattr(x, 'y')", "eval", "getattr()"),
        ("(lambda: 1)()", "eval", "直接调用"),
        ("while True:\n    pass", "exec", "while"),
        ("frobnicate(urgency)", "eval", "frobnicate()"),
    ],
)
def test_unsafe_code_is_refused(source, mode, says):
    found = problems(source, mode)
    assert found and any(says in message for message in found), found


@pytest.mark.parametrize(
    ("source", "mode"),
    [
        ("add_working_days(discovered_at, 1)", "eval"),
        ("deadline(handle_from, feedback_rule)", "eval"),
        ('decision == "transfer"', "eval"),
        ("len(co_units) > 0", "eval"),
        ('urgency in ("critical", "urgent")', "eval"),
        ("not reply_accepted", "eval"),
        (
            "reply_accepted = accepted\nif not accepted:\n    return_count = return_count + 1\n"
            "    handle_from = now()",
            "exec",
        ),
        ('{"lead_unit": suggested_lead, "co_units": suggested_co_units}', "eval"),
    ],
)
def test_ordinary_diagram_code_passes(source, mode):
    assert problems(source, mode) == []


def test_the_line_of_a_problem_counts_from_the_element():
    found = check_source(
        "x = 1\nimport os", mode="exec", callables=(), file="f.bpmn", element_id="task", line=40
    )
    assert [(p.line, p.element_id) for p in found] == [(41, "task")]


DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:scriptTask id="run" scriptFormat="python"><bpmn:incoming>f1</bpmn:incoming>
<bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="run" />
<bpmn:sequenceFlow id="f2" sourceRef="run" targetRef="end" />
</bpmn:process>
</bpmn:definitions>
"""


def scan(xml: bytes) -> list[tuple[str | None, int | None]]:
    return [
        (p.element_id, p.line) for p in scan_diagram(xml, file="t.bpmn", callables=PUBLISHED_NAMES)
    ]


def test_scan_finds_scripts_timers_conditions_and_properties():
    xml = DIAGRAM.replace(b"SCRIPT", b"import os")
    assert scan(xml) == [("run", 7)]
    timer = (
        b'<bpmn:boundaryEvent id="late" attachedToRef="run"><bpmn:timerEventDefinition>'
        b"<bpmn:timeDate>__import__('os').system('id')</bpmn:timeDate>"
        b"</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    prop = (
        b'<bpmn:userTask id="u"><bpmn:extensionElements><spiffworkflow:properties>'
        b'<spiffworkflow:property name="unit" value="=__import__(&quot;os&quot;)" />'
        b"</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
    )
    cond = (
        b'<bpmn:sequenceFlow id="c" sourceRef="start" targetRef="end">'
        b"<bpmn:conditionExpression>system(1)</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )
    xml = DIAGRAM.replace(b"SCRIPT", b"x = 1").replace(
        b"</bpmn:process>", timer + prop + cond + b"</bpmn:process>"
    )
    assert {element for element, _ in scan(xml)} == {"late", "u", "c"}


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">
<decision id="route" name="route"><decisionTable id="t">
<input id="i"><inputExpression id="ie"><text>facility_name</text></inputExpression></input>
<output id="o" name="unit" />
<rule id="r1"><inputEntry id="e1"><text>ENTRY</text></inputEntry>
<outputEntry id="o1"><text>"ROAD_BRIDGE"</text></outputEntry></rule>
</decisionTable></decision></definitions>
"""


@pytest.mark.parametrize(
    ("entry", "refused"),
    [
        ('"海沧大桥"', False),
        ("-", False),
        ('in ["厦漳高速", "厦蓉高速"]', False),
        ("facility_name.__class__", True),
        ("__import__('os')", True),
    ],
)
def test_dmn_entries_are_checked_as_spiffworkflow_evaluates_them(entry, refused):
    xml = DMN.replace("ENTRY", entry).encode()
    assert bool(scan(xml)) is refused


def test_the_bundled_diagrams_are_clean():
    from engine.config import PROJECT_ROOT

    for path in sorted((PROJECT_ROOT / "processes").glob("*.*mn")):
        assert scan_diagram(path.read_bytes(), file=path.name, callables=PUBLISHED_NAMES) == []


def run_script(script: str, helpers: dict | None = None) -> dict:  # type: ignore[type-arg]
    parser = DiagramParser()
    parser.add_bpmn_str(DIAGRAM.replace(b"SCRIPT", script.encode()))
    engine = PythonScriptEngine(environment=GuardedEnvironment(helpers or {}))
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=engine)
    wf.do_engine_steps()
    assert wf.completed
    return wf.last_task.data


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "x = __import__('os')",
        "x = open('/etc/passwd')",
        "x = eval('1')",
        "x = exec('y = 1')",
        "x = getattr(1, 'real')",
    ],
)
def test_unchecked_code_still_cannot_reach_python_at_run_time(script):
    with pytest.raises(SpiffWorkflowException):
        run_script(script)


def test_published_helpers_and_safe_builtins_work_at_run_time():
    data = run_script("x = double(len([1, 2, 3]))", {"double": lambda n: 2 * n})
    assert data["x"] == 6
