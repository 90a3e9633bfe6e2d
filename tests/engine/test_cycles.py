"""Timer cycles (engine/time/cycles.py): whole calendar periods from a fixed start, never
SpiffWorkflow's frozen seconds; and what deploy refuses, with what to write instead."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.definitions.deploy import DiagramFile, check
from engine.time.clock import SHANGHAI
from engine.time.cycles import CycleError, parse_cycle
from tests.conftest import FORMS


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_a_quarterly_cycle_falls_on_each_quarters_first_day():
    cycle = parse_cycle("R/2026-01-01T00:00:00+08:00/P3M")
    assert [cycle.occurrence(k) for k in range(6)] == [
        local(day)
        for day in (
            "2026-01-01T00:00",
            "2026-04-01T00:00",
            "2026-07-01T00:00",  # SpiffWorkflow's 90-day period would say 30 June
            "2026-10-01T00:00",
            "2027-01-01T00:00",
            "2027-04-01T00:00",
        )
    ]


def test_a_month_end_start_is_clamped_not_carried():
    cycle = parse_cycle("R/2027-01-31T09:00:00+08:00/P1M")
    assert [cycle.occurrence(k).day for k in range(4)] == [31, 28, 31, 30]


@pytest.mark.parametrize(
    ("instant", "index"),
    [
        ("2025-06-01T00:00", 0),  # before the start: the start
        ("2026-01-01T00:00", 0),  # at an occurrence: that one
        ("2026-09-28T09:00", 3),  # 1 Oct 2026
        ("2026-10-01T00:00", 3),
        ("2026-10-01T00:01", 4),
        ("2031-12-31T23:59", 24),  # 1 Jan 2032
    ],
)
def test_the_first_occurrence_a_new_case_waits_for(instant, index):
    cycle = parse_cycle("R/2026-01-01T00:00:00+08:00/P3M")
    assert cycle.first_index_at_or_after(local(instant)) == index


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("R4/2026-01-01T00:00:00+08:00/P3M", "限定了次数"),
        ("R/2026-01-01T00:00:00/P3M", "没有时区"),
        ("R/P3M", "无法识别"),
        ("R/2026-01-01T00:00:00+08:00/PT1H", "不受支持"),
        ("R/2026-01-01T00:00:00+08:00/P0D", "为零"),
        ("R/P3M/2026-01-01T00:00:00+08:00", "不是 ISO 8601"),
    ],
)
def test_cycles_that_cannot_run_safely_are_refused_saying_why(text, says):
    with pytest.raises(CycleError, match=says):
        parse_cycle(text)


def _diagram(event: str) -> DiagramFile:
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
  targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="work" scriptFormat="python"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    {event}
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""
    return DiagramFile("p.bpmn", xml.encode())


def _boundary(expression: str, cancel: str = "false") -> str:
    return (
        f'<bpmn:boundaryEvent id="tick" attachedToRef="work" cancelActivity="{cancel}">'
        '<bpmn:timerEventDefinition id="tick_definition">'
        f"<bpmn:timeCycle>{expression}</bpmn:timeCycle>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )


def test_a_quoted_quarterly_cycle_on_a_non_interrupting_event_deploys():
    assert check([_diagram(_boundary('"R/2026-01-01T00:00:00+08:00/P3M"'))], FORMS) == []


@pytest.mark.parametrize(
    ("event", "says"),
    [
        (_boundary('"R/2026-01-01T00:00:00+08:00/P3M"', cancel="true"), "非中断边界事件"),
        (_boundary("cycle_expression"), "带引号的字面量"),
        (_boundary('"R/2026-01-01T00:00:00+08:00/PT5M"'), "不受支持"),
        (_boundary('"R/2026-01-01T00:00:00/P3M"'), "没有时区"),
    ],
)
def test_deploy_refuses_a_cycle_it_cannot_run_with_the_element_and_the_fix(event, says):
    [problem] = check([_diagram(event)], FORMS)
    assert problem.element_id == "tick" and says in problem.message, problem
