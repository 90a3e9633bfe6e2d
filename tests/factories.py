"""Small builders for lifecycle tests: report an event, find a step's task, complete it as the
right person — each step on a fresh engine object, so every test also saves, reloads and continues."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.demo import actor_for, answer_for
from engine.models import Definition, Grant, Instance, Resource, Task
from engine.service import CaseRef, Jtflow
from engine.time.clock import Clock

REPORTERS = {
    "monitoring": "c_monitor",
    "opinion": "c_opinion",
    "hotline_12328": "c_12328",
    "platform_12345": "c_platform",
    "public_safety": "c_platform",
    "duty_phone": "c_duty",
    "patrol": "bus_handler",
}


def report(jtflow: Jtflow, **overrides: Any) -> CaseRef:
    event = {
        "channel": "monitoring",
        "urgency": "normal",
        "title": "火车站公交场站候车亭顶棚漏水",
        "description": "视频巡查发现候车亭顶棚破损漏水。",
        "location": "厦门市思明区火车站公交场站",
        "facility": {"type": "bus_station", "name": "火车站公交场站"},
        "discovered_at": jtflow.clock.now().isoformat(),
    }
    event.update(overrides)
    reporter = overrides.pop("reporter", None) or REPORTERS[event["channel"]]
    event.pop("reporter", None)
    return jtflow.report_event(event, reporter=reporter)


class Span:
    """The test clock's instants just before and just after a block: on a clock that ticks
    at every read, an instant the block read lies `in` the span (not equal to a later read).
    """

    def __init__(self, clock: Clock):
        self.clock = clock

    def __enter__(self) -> Span:
        self.start = self.clock.now()
        return self

    def __exit__(self, *exc: object) -> None:
        self.end = self.clock.now()

    def __contains__(self, instant: datetime) -> bool:
        return self.start <= instant <= self.end


def transferred(jtflow: Jtflow, count: int) -> list[CaseRef]:
    """`count` cases reported and transferred by the center (分类转办 done)."""
    made = []
    for _ in range(count):
        case = report(jtflow)
        step(jtflow, case, "classify", {"decision": "transfer"})
        made.append(case)
    return made


def open_tasks(jtflow: Jtflow, case: CaseRef) -> list[Task]:
    with jtflow.sessions() as session:
        return list(
            session.scalars(
                select(Task)
                .where(Task.instance_id == case.case_id, Task.state == "open")
                .order_by(Task.id)
            )
        )


def open_steps(jtflow: Jtflow, case: CaseRef) -> list[str]:
    return sorted(t.element_id for t in open_tasks(jtflow, case))


def task_at(jtflow: Jtflow, case: CaseRef, element_id: str) -> Task:
    found = [t for t in open_tasks(jtflow, case) if t.element_id == element_id]
    assert found, f"no open {element_id}; open: {open_steps(jtflow, case)}"
    return found[0]


def step(
    jtflow: Jtflow,
    case: CaseRef,
    element_id: str,
    data: dict[str, Any] | None = None,
    *,
    as_user: str | None = None,
) -> Task:
    """Complete the open task at `element_id` as the user holding its unit and role."""
    task = task_at(jtflow, case, element_id)
    payload = answer_for(element_id, task.unit_code) if data is None else data
    jtflow.complete(task.id, payload, as_user or actor_for(task))
    return task


def status(jtflow: Jtflow, case: CaseRef) -> str:
    with jtflow.sessions() as session:
        instance = session.get(Instance, case.case_id)
        assert instance is not None
        return instance.status


def kinds(jtflow: Jtflow, case: CaseRef) -> list[str]:
    return [e.kind for e in jtflow.history(case.case_id)]


PROCESSES = PROJECT_ROOT / "processes"


def write_variant(folder: Path, *edits: tuple[str, str]) -> Path:
    """The processes folder copied to `folder` with each (old, new) edit made to the lifecycle
    diagram; returns the diagram's path."""
    shutil.copytree(PROCESSES, folder, dirs_exist_ok=True)
    diagram = folder / "event_lifecycle.bpmn"
    text = diagram.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    diagram.write_text(text, encoding="utf-8")
    return diagram


def deploy_variant(jtflow: Jtflow, folder: Path, *edits: tuple[str, str]) -> Definition:
    """Deploy the lifecycle with the edits made (write_variant): a new version."""
    definition, created = jtflow.deploy(write_variant(folder, *edits))
    assert created
    return definition


BPMN_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
SPIFF_NS = 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
AFTER_SIGN_FOR = "<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>"
_PROBE_AFTER_SIGN_FOR = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {BPMN_NS} {SPIFF_NS} id="d" targetNamespace="t">
<bpmn:process id="event_lifecycle" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="sign_for" name="签收"><bpmn:extensionElements><spiffworkflow:properties>
<spiffworkflow:property name="formJsonSchemaFilename" value="sign_for.json" />
<spiffworkflow:property name="unit" value="TRANSPORT_DEV" />
<spiffworkflow:property name="role" value="办理人" />
</spiffworkflow:properties></bpmn:extensionElements>
<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
{probe}
<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign_for" />
<bpmn:sequenceFlow id="f2" sourceRef="sign_for" targetRef="probe" />
<bpmn:sequenceFlow id="f3" sourceRef="probe" targetRef="end" />
</bpmn:process>
</bpmn:definitions>
"""


def deploy_probe_after_sign_for(jtflow: Jtflow, folder: Path, probe: str) -> None:
    """Deploy a small `event_lifecycle`: 签收, then `probe` (an element with id "probe",
    flows AFTER_SIGN_FOR), then the end — to run diagram code in a case's second step."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "probe.bpmn"
    text = _PROBE_AFTER_SIGN_FOR.replace("{BPMN_NS}", BPMN_NS).replace("{SPIFF_NS}", SPIFF_NS)
    path.write_text(text.replace("{probe}", probe), encoding="utf-8")
    jtflow.deploy(path)


# A one-step process of its own (a CENTER archive task), for what must work for every
# process and not only the event lifecycle (Jtflow.start_case).
TRIAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="trial_definitions" targetNamespace="https://jtflow.example/bpmn">
  <bpmn:process id="trial" name="试办流程" isExecutable="true">
    <bpmn:startEvent id="begin"><bpmn:outgoing>to_archive</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="archive" name="归档">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="archive.json" />
        <spiffworkflow:property name="unit" value="CENTER" />
        <spiffworkflow:property name="role" value="投诉受理岗" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>to_archive</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="case_status" value="completed" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>to_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="to_archive" sourceRef="begin" targetRef="archive" />
    <bpmn:sequenceFlow id="to_end" sourceRef="archive" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def start_trial(jtflow: Jtflow, folder: Path, facts: dict[str, Any]) -> CaseRef:
    """Deploy the trial process from `folder` and start a case of it as c_12328."""
    path = folder / "trial.bpmn"
    path.write_text(TRIAL, encoding="utf-8")
    jtflow.deploy(path)
    return jtflow.start_case("trial", facts, starter="c_12328")


# -- sharing requests (D3–D7) -----------------------------------------------------------------

SHARING_REQUEST = {
    "purpose": "公交线网优化分析",
    "scope": "2026 年思明区公交线路",
    "data_items": ["线路编号", "站点", "到站时间"],
    "service_mode": "download",
}


def resource(jtflow: Jtflow, **overrides: Any) -> int:
    """A published catalogue entry (BUS_GROUP's, conditional, by file download or API), with
    the sharing process deployed to request it (the template database has only the lifecycle,
    whose definition ids other tests count on)."""
    jtflow.deploy(PROCESSES / "sharing_request.bpmn")  # once: the same content is not redeployed
    now = jtflow.clock.now()
    fields: dict[str, Any] = {
        "category": "transit.arrival",
        "name": f"公交车辆到站数据 {now.timestamp():.3f}",
        "provider_unit": "BUS_GROUP",
        "data_format": "CSV",
        "attribute": "dynamic",
        "update_period": "realtime",
        "share_type": "conditional",
        "share_scope": "政务部门",
        "share_modes": ["download", "api"],
        "usage_requirements": "仅限履职使用",
        "source_system": "公交智能调度系统",
        "status": "published",
        "created_at": now,
        "created_by": "c_data",
        "updated_at": now,
        "updated_by": "c_data",
        "published_at": now,
        "published_by": "c_data",
    }
    fields.update(overrides)
    with jtflow.sessions() as session:
        row = Resource(**fields)
        session.add(row)
        session.commit()
        return row.id


def grant_of(jtflow: Jtflow, case: CaseRef) -> Grant | None:
    with jtflow.sessions() as session:
        return session.scalar(select(Grant).where(Grant.instance_id == case.case_id))
