"""S2 on PostgreSQL: the database itself refuses to change or remove a history event."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.record.audit import verify
from tests.factories import report
from tests.pg.conftest import engine_on

TAMPERING = (
    "UPDATE history_event SET actor = 'intruder' WHERE seq = 1",
    "DELETE FROM history_event WHERE seq = 1",
    "TRUNCATE history_event CASCADE",
)


@pytest.mark.postgres
def test_history_cannot_be_changed_or_removed(pg_url):
    jtflow = engine_on(pg_url)
    report(jtflow)
    engine = jtflow.sessions.kw["bind"]
    for statement in TAMPERING:
        with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
    with jtflow.sessions() as session:
        result = verify(session)
    assert result.broken == [] and result.events >= 2
    engine.dispose()
