"""Deploying diagrams: check everything a process owner can get wrong, then store a version.

A diagram is refused with every problem found — file, element id and line — when
its XML is malformed, it breaks the BPMN/DMN schema (unknown elements), its flows
dangle, a user task lacks its form or names an unknown unit or role, or any of its
expressions steps outside the allow-list (DESIGN.md "Scripts are not trusted code").
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..errors import DeploymentError, Problem
from ..models import Definition
from ..people.reference import ROLES, UNIT_CODES
from ..run.diagram_functions import PUBLISHED_NAMES
from ..run.script_safety import scan_diagram
from ..run.spiff import DiagramParser
from ..run.state import WorkflowCodec
from ..time.cycles import EXAMPLE, CycleError, parse_cycle
from .forms import FormRegistry

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}


@dataclass(frozen=True)
class DiagramFile:
    name: str
    content: bytes

    @property
    def is_dmn(self) -> bool:
        return self.name.endswith(".dmn")


def collect_files(path: Path) -> list[DiagramFile]:
    """The BPMN file plus the DMN files beside it that define the decisions it calls."""
    if not path.is_file():
        raise DeploymentError([Problem("文件不存在：请检查路径", str(path))])
    files = [DiagramFile(path.name, path.read_bytes())]
    if path.suffix == ".dmn":
        return files
    wanted = set(_called_decisions(files[0]))
    for candidate in sorted(path.parent.glob("*.dmn")):
        dmn = DiagramFile(candidate.name, candidate.read_bytes())
        if wanted & _decision_ids(dmn):
            files.append(dmn)
    return files


def _parse(file: DiagramFile) -> etree._Element:
    return etree.fromstring(file.content)


def _called_decisions(file: DiagramFile) -> list[str]:
    try:
        root = _parse(file)
    except etree.XMLSyntaxError:
        return []
    return [
        e.text.strip() for e in root.iterfind(".//spiffworkflow:calledDecisionId", NS) if e.text
    ]


def _decision_ids(file: DiagramFile) -> set[str]:
    try:
        root = _parse(file)
    except etree.XMLSyntaxError:
        return set()
    return {e.get("id") for e in root.iter() if etree.QName(e).localname == "decision"}


def check(files: list[DiagramFile], forms: FormRegistry) -> list[Problem]:
    """Every problem in a set of diagram files, before SpiffWorkflow sees them."""
    problems: list[Problem] = []
    for file in files:
        try:
            root = _parse(file)
        except etree.XMLSyntaxError as e:
            problems.append(Problem(f"XML 格式错误：{e.msg}", file.name, None, e.lineno))
            continue
        problems += scan_diagram(file.content, file=file.name, callables=PUBLISHED_NAMES)
        if not file.is_dmn:
            problems += _check_bpmn(root, file.name, forms)
    known_decisions = set().union(*(_decision_ids(f) for f in files if f.is_dmn))
    for file in files:
        if file.is_dmn:
            continue
        for decision in _called_decisions(file):
            if decision not in known_decisions:
                problems.append(
                    Problem(
                        f"调用的决策表 {decision} 不存在：请把定义它的 .dmn 文件放在同一目录",
                        file.name,
                    )
                )
    return problems


def _check_bpmn(root: etree._Element, file: str, forms: FormRegistry) -> list[Problem]:
    problems = []
    if not root.findall("bpmn:process[@isExecutable='true']", NS):
        problems.append(Problem('没有可执行的流程（process 需 isExecutable="true"）', file))
    for task in root.iterfind(".//bpmn:userTask", NS):
        task_id, line = task.get("id"), task.sourceline
        props = {
            p.get("name"): p.get("value", "")
            for p in task.iterfind(
                "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS
            )
        }
        form = props.get("formJsonSchemaFilename")
        if not form:
            problems.append(
                Problem("用户任务缺少表单（属性 formJsonSchemaFilename）", file, task_id, line)
            )
        elif not forms.has(form.removesuffix(".json")):
            problems.append(Problem(f"表单 {form} 在 forms/ 中不存在", file, task_id, line))
        unit = props.get("unit", "")
        if not unit:
            problems.append(Problem("用户任务缺少承办单位（属性 unit）", file, task_id, line))
        elif not unit.startswith("=") and unit not in UNIT_CODES:
            problems.append(
                Problem(f"未知单位 {unit}：应为 SPEC §1 的单位代码之一", file, task_id, line)
            )
        role = props.get("role", "")
        if role not in ROLES:
            problems.append(
                Problem(f"未知角色 {role!r}：应为 {'、'.join(ROLES)} 之一", file, task_id, line)
            )
    for cycle in root.iterfind(".//bpmn:timeCycle", NS):
        problems.extend(_check_cycle(cycle, file))
    return problems


_CYCLE_HOSTS = ("startEvent", "intermediateCatchEvent", "boundaryEvent")


def _check_cycle(cycle: etree._Element, file: str) -> list[Problem]:
    """A timeCycle runs only as engine/time/cycles.py reads it: a quoted literal
    `"R/<start with offset>/<period>"`, on an event that can fire again and again."""
    owner = cycle.getparent().getparent()
    element_id, line = owner.get("id"), cycle.sourceline
    tag = etree.QName(owner).localname
    if tag not in _CYCLE_HOSTS or (
        tag == "boundaryEvent" and owner.get("cancelActivity", "true") != "false"
    ):
        message = (
            "循环计时器（timeCycle）只能用于开始事件、中间捕获事件或非中断边界事件："
            "每次触发都放出一个新令牌，中断事件只能触发一次，请改用 timeDate"
        )
        return [Problem(message, file, element_id, line)]
    if _after_event_gateway(owner.getparent(), element_id):
        message = "循环计时器不能放在事件网关之后：网关只等待一次，请改用 timeDate"
        return [Problem(message, file, element_id, line)]
    text = (cycle.text or "").strip()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, str):
        message = (
            f'循环计时器的表达式应为带引号的字面量，如 "{EXAMPLE}"：周期和起点写在'
            "流程图里，部署时即可检查"
        )
        return [Problem(message, file, element_id, line)]
    try:
        parse_cycle(value)
    except CycleError as e:
        return [Problem(str(e), file, element_id, line)]
    return []


def _after_event_gateway(process: etree._Element | None, element_id: str | None) -> bool:
    if process is None:
        return False
    gateways = {g.get("id") for g in process.iterfind("bpmn:eventBasedGateway", NS)}
    return any(
        f.get("targetRef") == element_id and f.get("sourceRef") in gateways
        for f in process.iterfind("bpmn:sequenceFlow", NS)
    )


def parse(files: list[DiagramFile]) -> tuple[str, object, dict[str, object]]:
    """Parse with SpiffWorkflow (XSD validator on): the process id, spec and subprocess specs."""
    parser = DiagramParser()
    try:
        for file in files:
            if file.is_dmn:
                parser.add_dmn_str(file.content, filename=file.name)
            else:
                parser.add_bpmn_str(file.content, filename=file.name)
        called = {
            e.get("calledElement")
            for f in files
            if not f.is_dmn
            for e in _parse(f).iterfind(".//bpmn:callActivity", NS)
        }
        process_ids = [p for p in parser.get_process_ids() if p not in called]
        if len(process_ids) != 1:
            raise DeploymentError(
                [
                    Problem(
                        f"一次部署应恰好包含一个主流程（未被调用的可执行流程），找到 {len(process_ids)} 个",
                        files[0].name,
                    )
                ]
            )
        process_id = process_ids[0]
        return process_id, parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except ValidationException as e:
        raise DeploymentError(
            [
                Problem(
                    _validation_message(e),
                    e.file_name or files[0].name,
                    e.id or None,
                    e.line_number or None,
                )
            ]
        ) from None
    except DeploymentError:
        raise
    except Exception as e:  # SpiffWorkflow raises bare exceptions for some malformed diagrams
        raise DeploymentError([Problem(f"流程图无法解析：{e}", files[0].name)]) from None


def _validation_message(e: ValidationException) -> str:
    text = str(e.args[0]) if e.args else str(e)
    return f"流程图校验失败：{text}"


def content_hash(files: Iterable[DiagramFile]) -> str:
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.name):
        digest.update(file.name.encode() + b"\0" + file.content + b"\0")
    return digest.hexdigest()


def deploy(
    session: Session,
    files: list[DiagramFile],
    *,
    forms: FormRegistry,
    codec: WorkflowCodec,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> tuple[Definition, bool]:
    """Store a new version, or return the existing one with the same content. True if new."""
    problems = check(files, forms)
    if problems:
        raise DeploymentError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    digest = content_hash(files)
    existing = session.scalar(select(Definition).where(Definition.content_hash == digest))
    if existing is not None:
        return existing, False
    process_id, spec, subprocess_specs = parse(files)
    latest = session.scalar(
        select(func.max(Definition.version)).where(Definition.process_id == process_id)
    )
    definition = Definition(
        process_id=process_id,
        version=(latest or 0) + 1,
        content_hash=digest,
        files={f.name: f.content.decode("utf-8") for f in files},
        spec=codec.dump_spec(spec, subprocess_specs),
        deployed_at=now,
        deployed_by=actor,
        note=note,
    )
    session.add(definition)
    session.flush()
    return definition, True


def latest_definition(session: Session, process_id: str) -> Definition | None:
    return session.scalar(
        select(Definition)
        .where(Definition.process_id == process_id)
        .order_by(Definition.version.desc())
        .limit(1)
    )


def latest_definition_id(session: Session, process_id: str) -> int | None:
    """What a new case starts on, without the version's stored files and spec (the runtime
    holds the spec objects already): every case start asks."""
    return session.scalar(_LATEST_ID, {"process": process_id})


_LATEST_ID = (  # built once: every case start runs it
    select(Definition.id)
    .where(Definition.process_id == bindparam("process"))
    .order_by(Definition.version.desc())
    .limit(1)
)
