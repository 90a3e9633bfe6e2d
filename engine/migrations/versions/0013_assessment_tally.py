"""assessment tally: A1's running totals (issue 15's one-second bar)

- `task.tallied`: the row is counted in the totals; every write of the row clears it.
- `ix_task_untallied`: the rows not counted yet (the open ones, mostly), which the figures
  count live, on a partial index of their own.
- `assessment_tally`: done lifecycle tasks per Xiamen day, unit, step, timing and light.
- `assessment_mark`: per task, what the case figures read (received, handled, closed,
  returned).
- `ix_task_open` (state, opened, step, case, unit) replaces `ix_task_open_unit`, whose
  columns lead `ix_task_inbox`: the dashboard counts open steps of a period on it.

Existing tasks start uncounted: the first assessment read counts them all once.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 21:30:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_task_open_unit", table_name="task")
    op.create_index(
        "ix_task_open", "task", ["state", "created_at", "element_id", "instance_id", "unit_code"]
    )
    op.add_column(
        "task",
        sa.Column("tallied", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_index(
        "ix_task_untallied",
        "task",
        list(engine.models.UNTALLIED_COLUMNS),
        sqlite_where=sa.text("tallied = 0"),
        postgresql_where=sa.text("tallied = false"),
    )
    op.create_table(
        "assessment_tally",
        sa.Column("day_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("element_id", sa.String(length=120), nullable=False),
        sa.Column("timing", sa.Integer(), nullable=False),
        sa.Column("light", sa.Integer(), nullable=False),
        sa.Column("fired", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day_no", "unit_code", "element_id", "timing", "light", "fired", "urgent"
        ),
    )
    op.create_table(
        "assessment_mark",
        sa.Column("task_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index(
        "ix_assessment_mark_period",
        "assessment_mark",
        ["kind", "at", "unit_code", "instance_id"],
    )
    op.create_index(
        "ix_assessment_mark_case",
        "assessment_mark",
        ["kind", "instance_id", "unit_code", "at"],
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_mark_case", table_name="assessment_mark")
    op.drop_index("ix_assessment_mark_period", table_name="assessment_mark")
    op.drop_table("assessment_mark")
    op.drop_table("assessment_tally")
    op.drop_index("ix_task_untallied", table_name="task")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("tallied")
    op.drop_index("ix_task_open", table_name="task")
    op.create_index("ix_task_open_unit", "task", ["state", "unit_code", "role"])
