"""reminders: a 催办/督办 names the step it chases (issue 16, E12)

- `task.chased_task_id`: for a reminder, the row of the overdue step it chases; the inbox
  groups a case's reminders by it and names the chased step and its unit.
- `ux_task_open_reminder`: at most one open reminder of a kind per chased step, whatever
  the workers or restarts do.
- task state `closed`: a reminder ended by itself when the step it chased was done.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 00:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("task", sa.Column("chased_task_id", sa.Integer(), nullable=True))
    op.create_index(
        "ux_task_open_reminder",
        "task",
        ["chased_task_id", "element_id"],
        unique=True,
        sqlite_where=sa.text("state = 'open' AND chased_task_id IS NOT NULL"),
        postgresql_where=sa.text("state = 'open' AND chased_task_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ux_task_open_reminder", table_name="task")
    op.drop_column("task", "chased_task_id")
