"""inbox: the case's filters and search from an index, not from the row behind its state blob

On SQLite a column stored after `instance.state` (tens of KB, in overflow pages) is read by
walking the blob's overflow chain: filtering 10,000 open tasks by urgency or searching their
titles read every case's whole state. `ix_instance_inbox` holds what the inbox filters and
searches on (the location copied out of `facts`), and `ix_task_inbox` now also holds the
light, step and case of each task, so the inbox's queries read two indexes and no rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INBOX = ["state", "unit_code", "role", "assignee", "due_at"]


def upgrade() -> None:
    op.add_column("instance", sa.Column("location", sa.String(length=200), nullable=True))
    instance = sa.table("instance", sa.column("location", sa.String), sa.column("facts", sa.JSON))
    op.execute(instance.update().values(location=instance.c.facts["location"].as_string()))
    op.create_index(
        "ix_instance_inbox",
        "instance",
        ["id", "urgency", "channel", "case_no", "title", "location"],
    )
    op.drop_index("ix_task_inbox", table_name="task")
    op.create_index("ix_task_inbox", "task", [*INBOX, "light", "element_id", "instance_id"])


def downgrade() -> None:
    op.drop_index("ix_task_inbox", table_name="task")
    op.create_index("ix_task_inbox", "task", INBOX)
    op.drop_index("ix_instance_inbox", table_name="instance")
    op.drop_column("instance", "location")
