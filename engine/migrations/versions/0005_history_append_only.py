"""history_event is append-only on PostgreSQL (S2): a trigger refuses UPDATE and DELETE

SQLite has one writer process and no roles; there `jtflow audit verify` is the guard.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 14:35:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION jtflow_history_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history_event is append-only: % refused (S2)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(
        "CREATE TRIGGER history_event_append_only BEFORE UPDATE OR DELETE ON history_event "
        "FOR EACH ROW EXECUTE FUNCTION jtflow_history_is_append_only()"
    )
    op.execute(
        "CREATE TRIGGER history_event_no_truncate BEFORE TRUNCATE ON history_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION jtflow_history_is_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS history_event_no_truncate ON history_event")
    op.execute("DROP TRIGGER IF EXISTS history_event_append_only ON history_event")
    op.execute("DROP FUNCTION IF EXISTS jtflow_history_is_append_only()")
