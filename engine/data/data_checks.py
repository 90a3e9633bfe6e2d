"""校核 (D7): when a check ends with conflicting sources settled, the one source named goes
into the catalogue entry, in the step that records it.

The catalogue's change log keeps the old and new source with the case number, so the
catalogue says why its source changed; the case's history says who settled it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Resource, ResourceChange
from ..run.runtime import Loaded
from .grants import PROCESS, end_data


def settle_source_when_checked(session: Session, loaded: Loaded, now: datetime, actor: str) -> None:
    """The write hook: a check case ending `checked` with finding "conflict" names the one
    source of its resource (D1: one data, one source; D7)."""
    instance = loaded.instance
    facts = instance.facts or {}
    if facts.get("process") != PROCESS or instance.ended_at != now:
        return
    if instance.status != "checked":
        return
    data = end_data(loaded)
    source = str(data.get("authoritative_source") or "").strip()
    if data.get("finding") != "conflict" or not source:
        return
    resource = session.get(Resource, int(facts["resource_id"]))
    if resource is None:
        return
    old = resource.source_system
    resource.source_system, resource.updated_at, resource.updated_by = source, now, actor
    session.add(
        ResourceChange(
            resource_id=resource.id,
            at=now,
            actor=actor,
            action="source_settled",
            data={
                "source_system": [old, source],
                "reason": f"数据校核 {instance.case_no}：多源异义，明确唯一来源（D7）",
            },
        )
    )
    loaded.history.append(
        "source_settled",
        at=now,
        actor=actor,
        data={"resource_id": resource.id, "source_system": source},
    )
