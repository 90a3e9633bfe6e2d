"""assessment: the bureau's weights for the score (issue 15)

- `assessment_weight`: a weight or target of the A1 score as set by the bureau; append-only,
  the newest row of a name wins.
- `working_day`: the working-day calendar as a table the figures' SQL joins (a copy,
  refreshed from engine.time.calendar when it differs).
- `ix_task_assessment`: a period's tasks counted on the index alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 17:50:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_weight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("set_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessment_weight", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_weight_name", ["name", "id"], unique=False)
    op.create_table(
        "working_day",
        sa.Column("day_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("working", sa.Integer(), nullable=False),
        sa.Column("worked_before", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day_no"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_assessment",
            [
                "created_at",
                "unit_code",
                "element_id",
                "state",
                "instance_id",
                "due_at",
                "warn_at",
                "light",
                "late_seconds",
                "completed_at",
            ],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_assessment")
    op.drop_table("working_day")
    with op.batch_alter_table("assessment_weight", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_weight_name")
    op.drop_table("assessment_weight")
