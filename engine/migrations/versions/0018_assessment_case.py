"""assessment case: one row per unit and case for A1's case figures (issue 15's one second)

- `assessment_case`: per unit and case, when the case first and last reached the unit, whether
  the unit replied, the case's returns and its closing instant, from `assessment_mark`
  (engine/assessment/case_summary.py).

The running totals are started again: the totals and marks are emptied and every task is
uncounted, so the first assessment read counts them all once and fills the new table too.

Revision ID: 0018
Revises: 0020
Create Date: 2026-12-01 03:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0018"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_case",
        sa.Column("instance_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("first_received_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_received_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("handled", sa.Boolean(), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("closed_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("instance_id", "unit_code"),
    )
    op.create_index(
        "ix_assessment_case_period",
        "assessment_case",
        ["last_received_at", "first_received_at", "unit_code"],
    )
    op.execute(sa.text("DELETE FROM assessment_tally"))
    op.execute(sa.text("DELETE FROM assessment_mark"))
    op.execute(sa.text("UPDATE task SET tallied = false WHERE tallied = true"))


def downgrade() -> None:
    op.drop_index("ix_assessment_case_period", table_name="assessment_case")
    op.drop_table("assessment_case")
