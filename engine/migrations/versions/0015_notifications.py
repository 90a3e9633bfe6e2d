"""notifications: the bell, the daily digest and its claim (issue 16)

- `notification`: one row per person told, written in the step that made the event.
- `notification_setting`: a person's daily digest time and channel (off without a row).
- `notification_digest`: one row per person and Xiamen day; its unique pair is the claim
  that keeps two workers from sending a digest twice.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 00:10:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC_TIME = engine.models.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("step_name", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("read_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_unread", "notification", ["username", "read_at", "id"])
    op.create_index("ix_notification_user", "notification", ["username", "id"])
    op.create_table(
        "notification_setting",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("digest_at", sa.String(length=5), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "notification_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.Column("made_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", "day"),
    )


def downgrade() -> None:
    op.drop_table("notification_digest")
    op.drop_table("notification_setting")
    op.drop_index("ix_notification_user", table_name="notification")
    op.drop_index("ix_notification_unread", table_name="notification")
    op.drop_table("notification")
