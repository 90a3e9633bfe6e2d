"""Writing the knowledge base's versions (O2), also inside a step: a submission the center
accepts becomes a version in the transaction of the step that accepted it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from .data.grants import end_data
from .models import KnowledgeEntry, KnowledgeVersion, StandingCase, table_of
from .run.runtime import Loaded

PROCESS = "knowledge_revision"
FIELDS = ("title", "category", "question", "answer", "basis", "keywords")
SCHEDULE = "knowledge_quarterly"  # the quarterly schedule's standing_case row


def hold_the_schedule(session: Session, loaded: Loaded, now: datetime, actor: str) -> None:
    """The write hook: the quarterly schedule's case holds its standing_case row while it
    runs. A second schedule started meanwhile meets the row's key (a Conflict, its start
    undone), so the revision opens once a quarter even when two people ask at once."""
    instance = loaded.instance
    facts = instance.facts or {}
    if facts.get("process") != PROCESS or facts.get("kind") != "quarterly":
        return
    rows = table_of(StandingCase)
    if instance.ended_at is not None:
        session.execute(delete(rows).where(rows.c.instance_id == instance.id))
    elif any(event["kind"] == "case_reported" for event in loaded.history.pending):
        session.execute(insert(rows).values(name=SCHEDULE, instance_id=instance.id))


def publish_when_accepted(session: Session, loaded: Loaded, now: datetime, actor: str) -> None:
    """The write hook: a submission the center accepts becomes, in that step, a new version
    of the entry it revises (or a new entry). The chain records which entry the case meant
    to revise (0: a new one); the version row names the case, so each points to the other
    and a replay, with no knowledge base of its own, reproduces the chain."""
    instance = loaded.instance
    facts = instance.facts or {}
    if facts.get("process") != PROCESS or instance.ended_at != now:
        return
    if instance.status != "published":
        return
    data = end_data(loaded)
    revises = int(data.get("entry_id") or 0)
    write_version(
        session,
        revises,
        {name: str(data.get(name) or "") for name in FIELDS},
        unit=str(facts.get("unit_code", "")),
        note=f"政策调整报送：{facts.get('policy_title', '')}"[:400],
        by=actor,
        now=now,
        instance_id=instance.id,
    )
    loaded.history.append(
        "knowledge_published",
        at=now,
        actor=actor,
        data={"revises": revises},  # the version row names the case; ids are the database's
    )


def write_version(
    session: Session,
    entry_id: int,
    fields: dict[str, str],
    *,
    unit: str,
    note: str,
    by: str,
    now: datetime,
    instance_id: int | None = None,
) -> KnowledgeVersion:
    """A new version of entry `entry_id` (0, or an entry that does not exist: a new entry).
    The entry row is locked first, so two editors never write the same version number."""
    entry = session.get(KnowledgeEntry, entry_id, with_for_update=True) if entry_id else None
    if entry is None:
        entry = KnowledgeEntry(current_version=0, created_at=now, created_by=by)
        session.add(entry)
        session.flush()
    entry.current_version += 1
    version = KnowledgeVersion(
        entry_id=entry.id,
        version=entry.current_version,
        **{name: fields.get(name, "").strip() for name in FIELDS},
        unit_code=unit,
        note=note,
        instance_id=instance_id,
        written_at=now,
        written_by=by,
    )
    session.add(version)
    session.flush()
    return version
