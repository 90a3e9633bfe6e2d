"""inbox: an index that filters, counts and sorts one unit's open tasks by deadline

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:40:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_task_inbox", "task", ["state", "unit_code", "role", "assignee", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_task_inbox", table_name="task")
