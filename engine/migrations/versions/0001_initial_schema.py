"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 03:13:45.617831
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("spec", sa.LargeBinary(), nullable=False),
        sa.Column("deployed_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deployed_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
        sa.UniqueConstraint("process_id", "version"),
    )
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_definition_process_id"), ["process_id"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("part", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=40), nullable=True),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("history_seq", sa.Integer(), nullable=False),
        sa.Column("history_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no"),
    )
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instance_definition_id"), ["definition_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_instance_status"), ["status"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["organisation.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "history_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("element_id", sa.String(length=120), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id", "seq"),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("spiff_task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=True),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("form", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("created_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("completed_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=80), nullable=True),
        sa.Column("defaults", sa.JSON(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("spiff_task_id"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_instance", ["instance_id", "state"], unique=False)
        batch_op.create_index("ix_task_open_unit", ["state", "unit_code", "role"], unique=False)

    op.create_table(
        "timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("spiff_task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=120), nullable=False),
        sa.Column("watches", sa.String(length=120), nullable=True),
        sa.Column("due_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_expires_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("fired_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("spiff_task_id"),
    )
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.create_index("ix_timer_due", ["state", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_timer_instance_id"), ["instance_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timer_instance_id"))
        batch_op.drop_index("ix_timer_due")

    op.drop_table("timer")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_open_unit")
        batch_op.drop_index("ix_task_instance")

    op.drop_table("task")
    op.drop_table("history_event")
    op.drop_table("user_account")
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instance_status"))
        batch_op.drop_index(batch_op.f("ix_instance_definition_id"))

    op.drop_table("instance")
    op.drop_table("organisation")
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definition_process_id"))

    op.drop_table("definition")
