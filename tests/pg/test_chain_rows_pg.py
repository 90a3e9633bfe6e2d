"""S2 on PostgreSQL: `audit verify` checks the rows pages show against the chain, and
names a task answer or a case fact edited behind the engine's back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.record.audit import verify
from tests.factories import report, step
from tests.pg.conftest import engine_on

pytestmark = [pytest.mark.postgres]


def test_edited_rows_are_named_on_postgresql(pg_url):
    jtflow = engine_on(pg_url)
    edited, untouched = report(jtflow), report(jtflow)
    for case in (edited, untouched):
        step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
        step(jtflow, case, "sign_for")
    with jtflow.sessions() as session:
        assert verify(session).broken == []
    with jtflow.sessions.kw["bind"].begin() as connection:
        connection.execute(
            text(
                "UPDATE task SET data = jsonb_set(data::jsonb, '{decision}', '\"return\"')::json"
                " WHERE instance_id = :case AND element_id = 'classify'"
            ),
            {"case": edited.case_id},
        )
        connection.execute(
            text("UPDATE instance SET title = '改过的标题' WHERE id = :case"),
            {"case": untouched.case_id},
        )
    with jtflow.sessions() as session:
        found = {b.case_id: b.reason for b in verify(session).broken}
    assert "办理数据" in found[edited.case_id] and "标题" in found[untouched.case_id]
