"""audit: chain heads anchored outside the database in signed checkpoints (S2)

- `audit_anchor`: one row per checkpoint appended to an anchor file (`jtflow audit anchor`,
  or the scheduler once a day: `day` is unique, so of several processes one anchors).
- `audit_anchor_head`: the case heads each checkpoint anchored (only those that moved), so
  the dossier can say up to which event a case is anchored.
- `ix_instance_chain_head`: every case's chain head read from an index. On SQLite the head
  is stored after `instance.state` (tens of KB in overflow pages); reading 100,000 heads
  from the rows walked every case's state.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("file", sa.String(length=1000), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain", "number"),
        sa.UniqueConstraint("day"),
    )
    op.create_table(
        "audit_anchor_head",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["anchor_id"], ["audit_anchor.id"]),
        sa.PrimaryKeyConstraint("instance_id", "anchor_id"),
    )
    op.create_index("ix_instance_chain_head", "instance", ["id", "history_seq", "history_hash"])


def downgrade() -> None:
    op.drop_index("ix_instance_chain_head", table_name="instance")
    op.drop_table("audit_anchor_head")
    op.drop_table("audit_anchor")
