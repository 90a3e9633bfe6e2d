"""retention (O4): removed attachments keep their rows; audit holds

- `attachment.removed_at/removed_by/removal_reason`: a file removed under retention keeps its
  row (its name and SHA-256 stay what the history vouched for) and loses its content.
- `retention_hold`: an open audit on a case; nothing of it is removed until it is lifted.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-01 00:40:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(
            sa.Column("removed_at", engine.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("removed_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("removal_reason", sa.String(length=400), nullable=True))
    op.create_table(
        "retention_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("instance.id"), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("placed_by", sa.String(length=80), nullable=False),
        sa.Column("placed_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("released_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_retention_hold_instance_id", "retention_hold", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_retention_hold_instance_id", table_name="retention_hold")
    op.drop_table("retention_hold")
    with op.batch_alter_table("attachment") as batch:
        batch.drop_column("removal_reason")
        batch.drop_column("removed_by")
        batch.drop_column("removed_at")
