"""S1, DESIGN.md "Scripts are not trusted code": diagram code is checked at deploy time and
again at run time, wherever SpiffWorkflow evaluates it, and runs under a budget.

Each place gets a diagram whose code there reaches `os` through attribute access and tries
to create a marker file. Deploying it is refused; with the deploy-time scan switched off,
running it is refused too, and the marker is never created.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from sqlalchemy import func, select

from engine.definitions import deploy as deployment
from engine.errors import DeploymentError, StalledInstance
from engine.models import Instance
from engine.run.guarded_evaluator import CodeBudget, GuardedEnvironment, UnsafeCode
from tests.factories import (
    AFTER_SIGN_FOR,
    BPMN_NS,
    SPIFF_NS,
    deploy_probe_after_sign_for,
    kinds,
    open_steps,
    report,
    step,
)


def escape(marker: Path) -> str:
    """Plain eval with empty builtins still reaches os.system this way."""
    return (
        "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings']"
        f"[0]()._module.__builtins__['__import__']('os').system('touch {marker}')"
    )


def diagram(
    probe: str,
    *,
    before: str = "",
    extra: str = "",
    sign_for_unit: str = "TRANSPORT_DEV",
    sign_for_script: str = "",
) -> str:
    """A one-probe `event_lifecycle`: start → probe → 签收 → end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {BPMN_NS} {SPIFF_NS} id="d" targetNamespace="t">
{before}
<bpmn:process id="event_lifecycle" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
{probe}
<bpmn:userTask id="sign_for" name="签收"><bpmn:extensionElements><spiffworkflow:properties>
<spiffworkflow:property name="formJsonSchemaFilename" value="sign_for.json" />
<spiffworkflow:property name="unit" value="{sign_for_unit}" />
<spiffworkflow:property name="role" value="办理人" />
</spiffworkflow:properties>{sign_for_script}</bpmn:extensionElements>
<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
{extra}
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="probe" />
<bpmn:sequenceFlow id="f2" sourceRef="probe" targetRef="sign_for" />
<bpmn:sequenceFlow id="f3" sourceRef="sign_for" targetRef="end" />
</bpmn:process>
</bpmn:definitions>
"""


FLOWS = "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"


def script_task(script: str, *, extensions: str = "", loop: str = "") -> str:
    ext = f"<bpmn:extensionElements>{extensions}</bpmn:extensionElements>" if extensions else ""
    return (
        f'<bpmn:scriptTask id="probe" scriptFormat="python">{ext}{FLOWS}{loop}'
        f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
    )


def dmn(
    entry: str,
    output: str = '"ROAD_BRIDGE"',
    namespace: str = "https://www.omg.org/spec/DMN/20191111/MODEL/",
) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{namespace}" id="probe_dmn" name="probe" namespace="n">
<decision id="probe_decision" name="probe"><decisionTable id="t">
<input id="i"><inputExpression id="ie"><text>title</text></inputExpression></input>
<output id="o" name="unit" />
<rule id="r1"><inputEntry id="e1"><text>{entry}</text></inputEntry>
<outputEntry id="o1"><text>{output}</text></outputEntry></rule>
</decisionTable></decision></definitions>
"""


def sign_for_script(kind: str, code: str) -> str:
    """签收 with a pre-script (run when it opens) or a post-script (run when it is done)."""
    return diagram(
        PASSING_PROBE,
        sign_for_script=f"<spiffworkflow:{kind}>x = {code}</spiffworkflow:{kind}>",
    )


BUSINESS_RULE = (
    '<bpmn:businessRuleTask id="probe"><bpmn:extensionElements>'
    "<spiffworkflow:calledDecisionId>probe_decision</spiffworkflow:calledDecisionId>"
    f"</bpmn:extensionElements>{FLOWS}</bpmn:businessRuleTask>"
)
PASSING_PROBE = script_task("y = 1")
MESSAGE = '<bpmn:message id="m" name="m" />'


def attr(code: str) -> str:
    return code.replace("'", "&apos;")


# place → (files: name → text, given the escaping code)
PLACES = {
    "script": lambda code: {"p.bpmn": diagram(script_task(f"x = {code}"))},
    "pre-script": lambda code: {"p.bpmn": sign_for_script("preScript", code)},
    "post-script": lambda code: {"p.bpmn": sign_for_script("postScript", code)},
    "flow condition": lambda code: {
        "p.bpmn": diagram(
            f'<bpmn:exclusiveGateway id="probe" default="f2">{FLOWS}'
            "<bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>",
            extra='<bpmn:endEvent id="other_end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:sequenceFlow id="f4" sourceRef="probe" targetRef="other_end">'
            f"<bpmn:conditionExpression>{code}</bpmn:conditionExpression></bpmn:sequenceFlow>",
        )
    },
    "conditional event": lambda code: {
        "p.bpmn": diagram(
            f'<bpmn:intermediateCatchEvent id="probe">{FLOWS}<bpmn:conditionalEventDefinition>'
            f"<bpmn:condition>{code}</bpmn:condition>"
            "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
        )
    },
    "timer": lambda code: {
        "p.bpmn": diagram(
            PASSING_PROBE,
            extra='<bpmn:boundaryEvent id="late" attachedToRef="sign_for" cancelActivity="false">'
            "<bpmn:outgoing>f5</bpmn:outgoing><bpmn:timerEventDefinition>"
            f"<bpmn:timeDate>{code}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
            '<bpmn:endEvent id="late_end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:sequenceFlow id="f5" sourceRef="late" targetRef="late_end" />',
        )
    },
    "DMN input entry": lambda code: {"p.bpmn": diagram(BUSINESS_RULE), "p.dmn": dmn(code)},
    "DMN output entry": lambda code: {"p.bpmn": diagram(BUSINESS_RULE), "p.dmn": dmn("-", code)},
    "DMN in an unknown namespace": lambda code: {
        "p.bpmn": diagram(BUSINESS_RULE),
        "p.dmn": dmn(code, namespace="http://example.org/not-dmn"),
    },
    "service-task parameter": lambda code: {
        "p.bpmn": diagram(
            '<bpmn:serviceTask id="probe"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="http/GetRequest" resultVariable="r">'
            '<spiffworkflow:parameters><spiffworkflow:parameter id="url" type="str" '
            f'value="{attr(code)}" /></spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
            f"</bpmn:extensionElements>{FLOWS}</bpmn:serviceTask>"
        )
    },
    "multi-instance cardinality": lambda code: {
        "p.bpmn": diagram(
            script_task(
                "y = 1",
                loop='<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
                f"<bpmn:loopCardinality>{code}</bpmn:loopCardinality>"
                "</bpmn:multiInstanceLoopCharacteristics>",
            )
        )
    },
    "multi-instance completion condition": lambda code: {
        "p.bpmn": diagram(
            script_task(
                "y = 1",
                loop='<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
                "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
                f"<bpmn:completionCondition>{code}</bpmn:completionCondition>"
                "</bpmn:multiInstanceLoopCharacteristics>",
            )
        )
    },
    "message payload": lambda code: {
        "p.bpmn": diagram(
            f'<bpmn:intermediateThrowEvent id="probe">{FLOWS}'
            '<bpmn:messageEventDefinition messageRef="m"><bpmn:extensionElements>'
            f"<spiffworkflow:messagePayload>{code}</spiffworkflow:messagePayload>"
            "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>",
            before=MESSAGE,
        )
    },
    "message correlation": lambda code: {
        "p.bpmn": diagram(
            f'<bpmn:intermediateThrowEvent id="probe">{FLOWS}'
            '<bpmn:messageEventDefinition messageRef="m"><bpmn:extensionElements>'
            '<spiffworkflow:messagePayload>{"a": 1}</spiffworkflow:messagePayload>'
            "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>",
            before=MESSAGE
            + '<bpmn:collaboration id="c"><bpmn:participant id="pa" processRef="event_lifecycle" />'
            '<bpmn:correlationKey name="k"><bpmn:correlationPropertyRef>cp</bpmn:correlationPropertyRef>'
            "</bpmn:correlationKey></bpmn:collaboration>"
            '<bpmn:correlationProperty id="cp" name="cp">'
            '<bpmn:correlationPropertyRetrievalExpression messageRef="m">'
            f"<bpmn:formalExpression>{code}</bpmn:formalExpression>"
            "</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>",
        )
    },
    "user-task property": lambda code: {
        "p.bpmn": diagram(PASSING_PROBE, sign_for_unit=attr("=" + code))
    },
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "p.bpmn"


def case_count(jtflow) -> int:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Instance)) or 0)


@pytest.mark.parametrize("place", list(PLACES))
def test_escaping_code_is_refused_at_deploy(place, jtflow, tmp_path):
    marker = tmp_path / "marker"
    with pytest.raises(DeploymentError) as refused:
        jtflow.deploy(write(tmp_path / "d", PLACES[place](escape(marker))))
    problems = refused.value.problems
    assert problems and all(p.element_id for p in problems), problems  # each names its element
    assert not marker.exists()


@pytest.mark.parametrize("place", list(PLACES))
def test_escaping_code_is_refused_at_run_time_when_the_scan_missed_it(
    place, jtflow, tmp_path, monkeypatch
):
    monkeypatch.setattr(deployment, "scan_diagram", lambda *args, **kwargs: [])
    marker = tmp_path / "marker"
    jtflow.deploy(write(tmp_path / "d", PLACES[place](escape(marker))))
    cases = case_count(jtflow)
    with pytest.raises(StalledInstance) as refused:
        if place == "post-script":  # runs when 签收 is done
            reported = report(jtflow)
            cases += 1
            step(jtflow, reported, "sign_for", {"accept": True})
        else:
            report(jtflow)
    assert not marker.exists()
    assert "未保存" in str(refused.value)
    assert ("不在允许范围" in str(refused.value)) or ("外部服务" in str(refused.value))
    assert case_count(jtflow) == cases  # nothing of the refused step was kept
    if place == "post-script":
        assert open_steps(jtflow, reported) == ["sign_for"]


def test_the_escape_works_on_plain_spiffworkflow_so_the_tests_above_can_fail(tmp_path):
    marker = tmp_path / "marker"
    TaskDataEnvironment({"__builtins__": {}}).evaluate(escape(marker), {})
    assert marker.exists()


def test_the_guard_refuses_the_same_escape_directly(tmp_path):
    marker = tmp_path / "marker"
    with pytest.raises(UnsafeCode, match="不在允许范围"):
        GuardedEnvironment({}).evaluate(escape(marker), {})
    assert not marker.exists()


# -- budgets ------------------------------------------------------------------------------


def evaluate(source: str, budget: CodeBudget | None = None, mode: str = "eval"):  # type: ignore[no-untyped-def]
    environment = GuardedEnvironment({}, budget)
    if mode == "exec":
        data: dict = {}
        environment.execute(source, data)
        return data
    return environment.evaluate(source, {})


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("range(10**12)", "超过上限"),
        ("len(range(10**30))", "超过上限"),
        ("9**9**9", "位的整数"),
        ("[0]*10**10", "超过上限"),
        ("'x' * 10**9", "超过上限"),
        ("1 << 10**9", "位的整数"),
        ("f'{1:>99999}'", "宽度或精度"),
        ("'%0999999999d' % 1", "f-string"),
        ("sum([[1], [2]], [])", "数字求和"),
        ("str([['x' * 10**5] * 10**5])", "超过上限"),
    ],
)
def test_values_past_the_budget_are_refused_before_they_are_built(source, says):
    with pytest.raises(Exception, match=says):
        evaluate(source)


def test_doubling_in_a_loop_is_stopped():
    with pytest.raises(Exception, match="超过上限|元素超过"):
        evaluate("x = 'ab'\nfor i in range(64):\n    x = x + x", mode="exec")
    with pytest.raises(Exception, match="超过上限|元素超过"):
        evaluate("x = [1]\nfor i in range(64):\n    x = [*x, *x]", mode="exec")
    with pytest.raises(Exception, match="超过上限|元素超过"):
        evaluate("x = 'a'\nfor i in range(64):\n    x = f'{x}{x}'", mode="exec")
    with pytest.raises(Exception, match="超过上限|元素超过"):
        evaluate("x = [1]\nfor i in range(64):\n    x += x", mode="exec")


def test_a_loop_past_the_time_budget_is_stopped():
    with pytest.raises(Exception, match="运行超过"):
        evaluate(
            "n = 0\nfor i in range(10**6):\n    for j in range(10**6):\n        n = n + 1",
            CodeBudget(seconds=0.2, max_value=10**6 * 10**3),
            mode="exec",
        )


def test_a_step_shares_one_budget_across_its_evaluations():
    environment = GuardedEnvironment({}, CodeBudget(seconds=60, max_value=1000))
    with environment.step_budget():
        for _ in range(9):
            environment.evaluate("len(range(1000))", {})  # 9,000 of the step's 10,000
        with pytest.raises(Exception, match="元素超过"):
            environment.evaluate("len(range(1000))", {}) + environment.evaluate(
                "len(range(1000))", {}
            )
    environment.evaluate("len(range(1000))", {})  # a new step has its budget back


def test_ordinary_code_gives_the_same_answers_as_plain_python():
    source = (
        "total = sum(x * 2 for x in range(10))\n"
        "names = sorted({k: v for k, v in zip('cab', range(3))})\n"
        "label = f'{total:>5}|{names!r}|{3.14159:.2f}'\n"
        "count = 0\n"
        "for name in names:\n"
        "    count += len(name) * 3\n"
        "squares = [i ** 2 for i in range(5) if i % 2 == 0]\n"
        "joined = 'a' + 'b' * 3\n"
        "shifted = 1 << 10\n"
        "both = [*squares, *[9]]\n"
    )
    plain: dict = {}
    exec(source, {}, plain)  # noqa: S102 — the reference answer
    assert evaluate(source, mode="exec") == plain


# -- budgets in a running case: step_failed, the case unchanged ---------------------------


OVER_BUDGET = {
    "a loop": (
        f'<bpmn:scriptTask id="probe">{AFTER_SIGN_FOR}<bpmn:script>n = 0\n'
        "for i in range(10**6):\n    for j in range(10**6):\n        n = n + 1"
        "</bpmn:script></bpmn:scriptTask>",
        "运行超过|元素超过",
    ),
    "a huge value": (
        f'<bpmn:scriptTask id="probe">{AFTER_SIGN_FOR}<bpmn:script>x = [0] * 10**10</bpmn:script></bpmn:scriptTask>',
        "超过上限",
    ),
    "an absurd working-day count": (
        f'<bpmn:intermediateCatchEvent id="probe">{AFTER_SIGN_FOR}<bpmn:timerEventDefinition>'
        "<bpmn:timeDate>add_working_days(now(), 100000000)</bpmn:timeDate>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>",
        "工作日数 100000000 超出范围",
    ),
    "a multi-instance input collection": (
        f'<bpmn:subProcess id="probe">{AFTER_SIGN_FOR}'
        '<bpmn:startEvent id="s"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:scriptTask id="fill"><bpmn:incoming>g1</bpmn:incoming>'
        "<bpmn:outgoing>g2</bpmn:outgoing><bpmn:script>items = list(range(5000))</bpmn:script>"
        '</bpmn:scriptTask><bpmn:scriptTask id="each"><bpmn:incoming>g2</bpmn:incoming>'
        "<bpmn:outgoing>g3</bpmn:outgoing><bpmn:multiInstanceLoopCharacteristics>"
        "<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
        '<bpmn:inputDataItem id="item" name="item" /></bpmn:multiInstanceLoopCharacteristics>'
        "<bpmn:script>y = item</bpmn:script></bpmn:scriptTask>"
        '<bpmn:endEvent id="e"><bpmn:incoming>g3</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="g1" sourceRef="s" targetRef="fill" />'
        '<bpmn:sequenceFlow id="g2" sourceRef="fill" targetRef="each" />'
        '<bpmn:sequenceFlow id="g3" sourceRef="each" targetRef="e" /></bpmn:subProcess>',
        "多实例活动 each 要创建 5000 个实例",
    ),
    "a multi-instance cardinality": (
        f'<bpmn:scriptTask id="probe">{AFTER_SIGN_FOR}<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>10**7</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
        "<bpmn:script>y = 1</bpmn:script></bpmn:scriptTask>",
        "多实例",
    ),
}


@pytest.mark.parametrize("case", list(OVER_BUDGET))
def test_a_step_over_its_budget_fails_and_leaves_the_case_as_it_was(case, fresh, tmp_path):
    probe, says = OVER_BUDGET[case]
    jtflow = fresh()
    jtflow.runtime.environment = GuardedEnvironment(
        jtflow.runtime.functions.published(), CodeBudget(seconds=0.3)
    )
    deploy_probe_after_sign_for(jtflow, tmp_path / "d", probe)
    reported = report(jtflow)
    before = kinds(fresh(), reported)
    with pytest.raises(StalledInstance, match=says):
        step(jtflow, reported, "sign_for", {"accept": True})
    assert open_steps(fresh(), reported) == ["sign_for"]  # the case is unchanged
    assert kinds(fresh(), reported) == [*before, "step_failed"]
    failure = fresh().history(reported.case_id)[-1]
    assert "probe" in failure.data["error"] or "each" in failure.data["error"]  # named
