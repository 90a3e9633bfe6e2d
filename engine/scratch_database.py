"""A scratch database: an in-memory SQLite copy of what re-running recorded cases needs, for
a replay (engine/replay.py, one per case) and a trial of a draft (engine/draft_trial.py, one
for all its cases, so its statements and specs are made once)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from .db import make_engine, make_session_factory
from .models import (
    Attachment,
    Base,
    CalendarYear,
    Definition,
    FormVersion,
    Instance,
    Organisation,
    Resource,
    User,
)
from .record.attachments import case_attachments
from .service import Jtflow
from .time.calendar import WorkingCalendar
from .time.clock import FakeClock


class ScratchDatabase:
    """An in-memory SQLite database holding what re-running cases needs: the organisations,
    the users, the calendar loads and form versions, then each case's definition version
    (under its own id) and catalogue entry as the cases come. A replay makes one per case;
    a trial of a draft one for all its cases, so its statements and specs are made once."""

    def __init__(self, session: Session):
        self.engine = make_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        Base.metadata.create_all(self.engine)  # the migrations' schema (test_migrations.py)
        self.sessions = make_session_factory(self.engine)
        with self.sessions() as scratch:
            for org in session.scalars(select(Organisation)):
                scratch.add(Organisation(code=org.code, name=org.name, part=org.part))
            for user in session.scalars(select(User)):
                scratch.add(
                    User(
                        username=user.username,
                        display_name=user.display_name,
                        unit_code=user.unit_code,
                        roles=list(user.roles),
                        active=True,  # as they were when they acted
                    )
                )
            for row in session.scalars(select(CalendarYear).order_by(CalendarYear.id)):
                columns = ("id", "year", "holidays", "workdays", "source", "loaded_at", "loaded_by")
                scratch.add(CalendarYear(**{c: getattr(row, c) for c in columns}))
            for form in session.scalars(select(FormVersion)):  # in force as the clock goes by
                columns = ("id", "name", "version", "schema", "deployed_at", "deployed_by", "note")
                scratch.add(FormVersion(**{c: getattr(form, c) for c in columns}))
            scratch.commit()

    def add_case(self, session: Session, instance: Instance, reported_on: Definition) -> None:
        """The version the case was reported on, the catalogue entry a sharing case's grant
        needs and the uploads the case's steps bind, unless an earlier case brought them."""
        with self.sessions() as scratch:
            if scratch.get(Definition, reported_on.id) is None:
                scratch.add(copy_definition(reported_on))
            resource_id = (instance.facts or {}).get("resource_id")
            resource = session.get(Resource, resource_id) if resource_id is not None else None
            if resource is not None and scratch.get(Resource, resource.id) is None:
                scratch.add(_copy_row(resource))
            for attachment in case_attachments(session, instance.id):  # its steps take them
                if scratch.get(Attachment, attachment.id) is None:
                    scratch.add(_unbound(attachment))
            scratch.commit()

    def jtflow(self, source: Jtflow, clock: FakeClock, calendar: WorkingCalendar) -> Jtflow:
        return Jtflow(self.sessions, clock=clock, calendar=calendar, forms=source.forms)

    def close(self) -> None:
        self.engine.dispose()


def _unbound(row: Attachment) -> Attachment:
    """An upload of the case as it was before a step named it: the replayed step takes it,
    and a replayed retention removal removes it again."""
    columns = {c.key: getattr(row, c.key) for c in Attachment.__table__.columns}
    unremoved = {"removed_at": None, "removed_by": None, "removal_reason": None}
    return Attachment(**{**columns, "instance_id": None, **unremoved})


def _copy_row(row: Resource) -> Resource:
    table = Resource.__table__
    return Resource(**{c.key: getattr(row, c.key) for c in table.columns})


def copy_definition(definition: Definition) -> Definition:
    columns = ("id", "process_id", "version", "content_hash", "files", "spec")
    copy = Definition(**{c: getattr(definition, c) for c in columns})
    copy.deployed_at, copy.deployed_by = definition.deployed_at, definition.deployed_by
    return copy
