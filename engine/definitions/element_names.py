"""What a case's history and timers call its elements: the names the diagram gives them.

History events name elements by id (`timer_sign_for`, `escalate_classify`); pages show the
diagram's own name instead, and a boundary timer with the step it watches (签收 · 黄灯).
Names come from every version the case ran on (a migrated case), the one it runs on now
winning.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from ..models import Definition, HistoryEvent, Instance
from .case_diagram import bpmn_text

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class ElementName:
    name: str
    attached_to: str | None = None  # a boundary event's activity


_BY_CONTENT: dict[str, dict[str, ElementName]] = {}  # a version's content never changes


def element_names(session: Session, instance: Instance) -> dict[str, ElementName]:
    versions = session.scalars(
        select(Definition)
        .where(
            Definition.id.in_(
                select(HistoryEvent.definition_id)
                .where(HistoryEvent.instance_id == instance.id)
                .distinct()
            )
            | (Definition.id == instance.definition_id)
        )
        .order_by(Definition.id == instance.definition_id, Definition.version)
    )
    names: dict[str, ElementName] = {}
    for definition in versions:
        names |= _names_of(definition)
    return names


def process_name(definition: Definition) -> str:
    """The name the diagram gives its process (交通运输事件监测处置), else its id."""
    named = _names_of(definition).get(definition.process_id)
    return named.name if named else definition.process_id


def _names_of(definition: Definition) -> dict[str, ElementName]:
    names = _BY_CONTENT.get(definition.content_hash)
    if names is None:
        names = _BY_CONTENT[definition.content_hash] = parse_names(bpmn_text(definition))
    return names


def parse_names(xml: str) -> dict[str, ElementName]:
    root = etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False))
    names = {}
    for process in root.iter(f"{{{_BPMN}}}process"):
        for element in process.iter():
            name, id = (element.get("name") or "").strip(), element.get("id")
            if name and id:
                names[id] = ElementName(name, element.get("attachedToRef"))
    return names


def process_choices(session: Session) -> list[tuple[str, str]]:
    """(process id, its diagram's name) of every deployed process, by its newest version:
    the choices of a process filter."""
    newest = select(func.max(Definition.id)).group_by(Definition.process_id)
    definitions = session.scalars(
        select(Definition).where(Definition.id.in_(newest)).options(defer(Definition.spec))
    )
    return sorted((d.process_id, process_name(d)) for d in definitions)
