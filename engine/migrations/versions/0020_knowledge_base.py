"""knowledge base (O2): entries, their versions, and the cases that used them

- `knowledge_entry`: an entry and its current version's number.
- `knowledge_version`: every version's text; an edit adds one, never overwrites.
- `knowledge_link`: an event case that used an entry, at the version then current.

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-01 03:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def _instant(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, engine.models.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "knowledge_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        _instant("created_at"),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "knowledge_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("knowledge_entry.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("question", sa.String(length=2000), nullable=False),
        sa.Column("answer", sa.String(length=8000), nullable=False),
        sa.Column("basis", sa.String(length=1000), nullable=False),
        sa.Column("keywords", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("instance.id"), nullable=True),
        _instant("written_at"),
        sa.Column("written_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "version"),
    )
    op.create_index("ix_knowledge_version_entry_id", "knowledge_version", ["entry_id"])
    op.create_table(
        "knowledge_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("knowledge_entry.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("instance.id"), nullable=False),
        sa.Column("linked_by", sa.String(length=80), nullable=False),
        _instant("linked_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "instance_id"),
    )
    op.create_index("ix_knowledge_link_entry_id", "knowledge_link", ["entry_id"])
    op.create_index("ix_knowledge_link_instance_id", "knowledge_link", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_knowledge_link_instance_id", table_name="knowledge_link")
    op.drop_index("ix_knowledge_link_entry_id", table_name="knowledge_link")
    op.drop_table("knowledge_link")
    op.drop_index("ix_knowledge_version_entry_id", table_name="knowledge_version")
    op.drop_table("knowledge_version")
    op.drop_table("knowledge_entry")
