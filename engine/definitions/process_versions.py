"""The deployed versions of each process, with how many cases run and ended on each: what a
process owner looks at before migrating running cases (engine/case_migration.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import Definition, Instance
from ..people.visibility import MAX_ID
from ..run.runtime import ENDED
from .element_names import process_name


@dataclass(frozen=True)
class ProcessVersion:
    process_id: str
    name: str  # the diagram's name for the process
    version: int
    deployed_at: datetime
    deployed_by: str
    note: str | None  # why, as the deployer wrote it
    content_hash: str
    running: int
    ended: int
    newest: bool


def process_versions(session: Session) -> list[ProcessVersion]:
    """Every deployed version, newest first within each process."""
    ended = case((Instance.status.in_(ENDED), 1), else_=0)
    rows = session.execute(
        select(
            Definition,
            func.count(Instance.id) - func.coalesce(func.sum(ended), 0),
            func.coalesce(func.sum(ended), 0),
        )
        .outerjoin(Instance, Instance.definition_id == Definition.id)
        .group_by(Definition.id)
        .order_by(Definition.process_id, Definition.version.desc())
    ).all()
    newest: dict[str, int] = {}
    for definition, _, _ in rows:
        newest.setdefault(definition.process_id, definition.version)
    return [
        ProcessVersion(
            d.process_id,
            process_name(d),
            d.version,
            d.deployed_at,
            d.deployed_by,
            d.note,
            d.content_hash,
            int(running),
            int(done),
            d.version == newest[d.process_id],
        )
        for d, running, done in rows
    ]


def definition_of(session: Session, process_id: str, version: int) -> Definition:
    definition = (
        session.scalar(
            select(Definition).where(
                Definition.process_id == process_id, Definition.version == version
            )
        )
        if 0 < version <= MAX_ID  # a larger number overflows the column: no such version
        else None
    )
    if definition is None:
        raise NotFound(f"流程 {process_id} 没有版本 {version}")
    return definition
