"""The instance row of a step's case, inserted and written by one statement each.

An ORM flush of the one row a step changes cost several times the statement it sends. The
row's version check stays: a stale writer meets StaleDataError, as a flush would raise it,
which the step turns into a Conflict (engine/run/step.py).
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..models import Instance, table_of

# what a step changes on its instance row; written by one statement, not an ORM flush
_STEP_COLUMNS = (
    "case_no",  # numbered once a new case is inserted
    "state",
    "updated_at",
    "status",
    "ended_at",
    "history_seq",
    "history_hash",
)
_instances = table_of(Instance)
_WRITE_INSTANCE = (
    update(_instances)
    .where(_instances.c.id == bindparam("id_"), _instances.c.version == bindparam("version_"))
    .values(version=bindparam("version_") + 1, **{c: bindparam(c) for c in _STEP_COLUMNS})
)


_INSERT_INSTANCE = insert(_instances).returning(_instances.c.id)


def insert_instance(session: Session, instance: Instance) -> None:
    """A new case's row by one statement, not an ORM flush; the object joins the session as
    persistent, holding what it was inserted with."""
    instance.version = 1
    values = {c.key: getattr(instance, c.key) for c in _instances.columns if c.key != "id"}
    instance.id = session.connection().scalar(_INSERT_INSTANCE, values)
    make_transient_to_detached(instance)
    session.add(instance)
    for name, value in values.items():  # a column left unset would otherwise read as expired
        set_committed_value(instance, name, value)


def write_instance(session: Session, instance: Instance) -> None:
    """The step's columns of the instance row, with the row's version check (a stale writer
    meets StaleDataError, as an ORM flush would raise it); the ORM object then holds them as
    committed, so a later flush writes only what else changed."""
    values = {name: getattr(instance, name) for name in _STEP_COLUMNS}
    version = instance.version
    written = session.connection().execute(
        _WRITE_INSTANCE, {**values, "id_": instance.id, "version_": version}
    )
    if written.rowcount != 1:
        raise StaleDataError(f"instance {instance.id} is no longer at version {version}")
    for name, value in values.items():
        set_committed_value(instance, name, value)
    set_committed_value(instance, "version", version + 1)
    if not session.is_modified(instance):  # else the flush writes what else changed
        # unmark it as the ORM does after a flush, so the step's flushes pass over it
        state = inspect(instance)
        state._commit_all(state.dict, state.session.identity_map)  # type: ignore[union-attr]
