"""standing_case: a case of which at most one may run (the quarterly schedule, O2)

Its row comes with the case and goes when it ends, so two schedules started at once meet
at the key. A schedule already running keeps running without a row; a start still finds
it first (engine.knowledge.start_schedule).

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-01 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standing_case",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("instance.id"), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("standing_case")
