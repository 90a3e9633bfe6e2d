"""handler lists: "done by me" and "my unit's cases" from indexes (issue 16)

- `ix_task_done_by`: one person's completed tasks, newest first, with what the list filters
  on (unit and role for S1, the step, the case), so the list pages and counts on the index.
- `ix_task_unit_cases`: the cases a unit (a center post, an applicant) has or had a task in.
- `ix_instance_inbox` also holds the case's process version, status and report time: the
  lists filter on them, and on SQLite a column stored after `instance.state` is read by
  walking the state blob's overflow pages.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 20:40:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CASE_COLUMNS = ["id", "urgency", "channel", "case_no", "title", "location"]


def upgrade() -> None:
    op.create_index(
        "ix_task_done_by",
        "task",
        ["completed_by", "completed_at", "unit_code", "role", "element_id", "instance_id"],
    )
    op.create_index("ix_task_unit_cases", "task", ["unit_code", "role", "instance_id", "assignee"])
    op.drop_index("ix_instance_inbox", table_name="instance")
    op.create_index(
        "ix_instance_inbox",
        "instance",
        [*CASE_COLUMNS, "definition_id", "status", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_instance_inbox", table_name="instance")
    op.create_index("ix_instance_inbox", "instance", CASE_COLUMNS)
    op.drop_index("ix_task_unit_cases", table_name="task")
    op.drop_index("ix_task_done_by", table_name="task")
