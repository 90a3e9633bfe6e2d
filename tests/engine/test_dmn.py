"""The decision tables in processes/ as SpiffWorkflow 3.2.0 runs them: E2 routing, E6 deadlines.

Every run parses with the XSD validator on, as deployment does.
"""

from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.run.diagram_functions import DiagramFunctions
from engine.time.calendar import WorkingCalendar
from engine.time.clock import SHANGHAI, FakeClock, parse_instant

PROCESSES = Path(__file__).parents[2] / "processes"
DMN = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
START = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)

DECISIONS = ("event_routing", "feedback_deadline", "platform_deadline")

# One business rule task per decision, as event_lifecycle.bpmn calls them.
DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="dmn_probe_definitions" targetNamespace="http://jtflow.xiamen.gov.cn/test">
  <bpmn:process id="dmn_probe" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>to_route</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="route" name="职责路由">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>event_routing</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>to_route</bpmn:incoming><bpmn:outgoing>to_rule</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:businessRuleTask id="feedback_rule_lookup" name="确定反馈时限">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>feedback_deadline</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>to_rule</bpmn:incoming><bpmn:outgoing>to_platform</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:businessRuleTask id="platform_rule_lookup" name="确定平台时限">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>platform_deadline</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>to_platform</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_route" sourceRef="start" targetRef="route" />
    <bpmn:sequenceFlow id="to_rule" sourceRef="route" targetRef="feedback_rule_lookup" />
    <bpmn:sequenceFlow id="to_platform" sourceRef="feedback_rule_lookup"
        targetRef="platform_rule_lookup" />
    <bpmn:sequenceFlow id="to_end" sourceRef="platform_rule_lookup" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def decide(**facts: Any) -> dict[str, Any]:
    """Run the probe process on ``facts`` with XSD validation on; return the data at its end."""
    facts = {
        "facility_type": "other",
        "facility_name": "某设施",
        "channel": "monitoring",
        "urgency": "normal",
        **facts,
    }
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(DIAGRAM.encode(), filename="dmn_probe.bpmn")
    parser.add_dmn_files([str(PROCESSES / f"{name}.dmn") for name in DECISIONS])
    workflow = BpmnWorkflow(parser.get_spec("dmn_probe"), parser.get_subprocess_specs("dmn_probe"))
    [start] = workflow.get_tasks(state=TaskState.READY)
    start.data.update(facts)
    workflow.do_engine_steps()
    assert workflow.completed
    [end] = workflow.get_tasks(spec_name="end")
    return end.data


ROAD_BRIDGE_FACILITIES = [
    "厦漳高速",
    "厦蓉高速",
    "海沧大桥",
    "厦门大桥",
    "杏林大桥",
    "集美大桥",
    "翔安隧道",
]


@pytest.mark.parametrize("name", ROAD_BRIDGE_FACILITIES)
@pytest.mark.parametrize("facility_type", ["expressway", "bridge", "tunnel", "other"])
def test_e2_four_bridges_one_tunnel_and_two_expressways_go_to_road_bridge(
    name: str, facility_type: str
) -> None:
    data = decide(facility_type=facility_type, facility_name=name)
    assert (data["suggested_lead"], data["suggested_co_units"]) == ("ROAD_BRIDGE", [])


@pytest.mark.parametrize(
    "facility_type, name, lead",
    [
        ("tunnel", "梧村隧道", "HIGHWAY_DEV"),
        ("trunk_road", "国道324线", "HIGHWAY_DEV"),
        ("expressway", "沈海高速厦门段", "HIGHWAY_DEV"),
        ("bus_station", "火车站公交场站", "BUS_GROUP"),
        ("brt_station", "BRT第一码头站", "METRO_BRT"),
        ("bridge", "演武大桥", "TRANSPORT_DEV"),
        ("other", "充电桩", "TRANSPORT_DEV"),
        ("airport", "未知类型", "TRANSPORT_DEV"),
    ],
)
def test_e2_routing_by_facility_type(facility_type: str, name: str, lead: str) -> None:
    data = decide(facility_type=facility_type, facility_name=name)
    assert (data["suggested_lead"], data["suggested_co_units"]) == (lead, [])


URGENCY_RULES = {"critical": "30m", "urgent": "1wd", "pressing": "5wd", "normal": "10wd"}
PLATFORM_RULES = {"hotline_12328": "7wd", "platform_12345": "5wd", "public_safety": "3wd"}
CENTER_SHARE = "1wd"  # the center's audit and answer, inside each platform's time limit
CHANNELS = ("monitoring", "opinion", "duty_phone", "patrol", *PLATFORM_RULES)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("urgency", URGENCY_RULES)
def test_e6_every_channel_and_urgency_gets_the_stricter_deadline(
    channel: str, urgency: str
) -> None:
    """5.2.2: the urgency's time limit for every event (feedback_deadline, one row each); for
    a platform's event also the platform's, of which the center keeps a share for its audit
    and answer (platform_deadline, 5.2.3). The unit's deadline is the earlier of its urgency's
    and the platform's less that share. Counted from Mon 28 Sep 2026 09:00, across National
    Day, so 10 WD are not 7 WD plus three."""
    data = decide(channel=channel, urgency=urgency)
    assert data["feedback_rule"] == URGENCY_RULES[urgency]
    assert data["platform_rule"] == PLATFORM_RULES.get(channel)
    assert data["center_share"] == (CENTER_SHARE if channel in PLATFORM_RULES else None)
    functions = DiagramFunctions(FakeClock(START), WorkingCalendar())
    start = START.isoformat()
    own = functions.deadline(start, data["feedback_rule"])
    unit = functions.within(own, start, data["platform_rule"], data["center_share"])
    if channel not in PLATFORM_RULES:
        assert unit == own
        return
    platform = functions.deadline(start, PLATFORM_RULES[channel])
    share = WorkingCalendar().subtract_working_days(parse_instant(platform), 1).at
    assert parse_instant(unit) == min(parse_instant(own), share)
    assert WorkingCalendar().working_time(parse_instant(unit), parse_instant(platform)) >= (
        timedelta(days=1)
    )
    if urgency == "critical":
        assert parse_instant(unit) == START + timedelta(minutes=30)


def test_decisions_keep_the_facts_they_read() -> None:
    data = decide(facility_type="bus_station", facility_name="BRT站", channel="monitoring")
    assert data["facility_type"] == "bus_station" and data["channel"] == "monitoring"


@pytest.mark.parametrize(
    "file, rule_id",
    [("event_routing.dmn", "E2"), ("feedback_deadline.dmn", "E6"), ("platform_deadline.dmn", "E6")],
)
def test_every_row_is_annotated_and_holds_only_literals(file: str, rule_id: str) -> None:
    """Rows an owner edits stay plain: "-" or a Python literal per cell, a note citing the rule."""
    root = etree.parse(str(PROCESSES / file)).getroot()
    rules = root.findall(".//dmn:rule", DMN)
    assert rules
    for rule in rules:
        assert rule_id in rule.findtext("dmn:description", "", DMN)
        for cell in rule.findall("dmn:inputEntry/dmn:text", DMN):
            assert cell.text == "-" or ast.literal_eval(cell.text) is not None
        for cell in rule.findall("dmn:outputEntry/dmn:text", DMN):
            ast.literal_eval(cell.text)


def test_e6_platform_deadlines_are_marked_as_owner_defaults() -> None:
    root = etree.parse(str(PROCESSES / "platform_deadline.dmn")).getroot()
    notes = [r.findtext("dmn:description", "", DMN) for r in root.findall(".//dmn:rule", DMN)]
    assert sum("按来源平台规定时限，默认值，可由流程负责人修改" in n for n in notes) == 3
