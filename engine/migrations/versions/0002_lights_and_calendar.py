"""lights on tasks (E12) and calendar years loaded by administrators (SPEC §2)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:30:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(
            sa.Column("warn_at", engine.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("light", sa.String(length=10), nullable=False, server_default="green")
        )
        batch.add_column(sa.Column("late_seconds", sa.Integer(), nullable=True))
    op.create_table(
        "calendar_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("loaded_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calendar_year_year", "calendar_year", ["year"])


def downgrade() -> None:
    op.drop_index("ix_calendar_year_year", table_name="calendar_year")
    op.drop_table("calendar_year")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("late_seconds")
        batch.drop_column("light")
        batch.drop_column("warn_at")
