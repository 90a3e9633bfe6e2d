"""modeler: drafts, deploy notes, browser-deployed forms and trial runs (issue 14)

- `diagram_draft`: a process owner's draft of a process's files, one per owner and process.
- `definition.note`: why a version was deployed, as its deployer wrote it.
- `form_version`: forms deployed from the browser; the newest of a name is in force.
- `form_draft`: a process owner's draft of a form, one per owner and form.
- `trial_run`: a draft tried on closed cases' recorded inputs, with its progress.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 15:30:39.787562
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("schema", sa.JSON(), nullable=False),
        sa.Column("deployed_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deployed_by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "version"),
    )
    op.create_table(
        "form_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("schema", sa.JSON(), nullable=False),
        sa.Column("saved_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author"], ["user_account.username"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "author"),
    )
    op.create_table(
        "trial_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=120), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("started_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "diagram_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=120), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("based_on_version", sa.Integer(), nullable=True),
        sa.Column("saved_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author"],
            ["user_account.username"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("process_id", "author"),
    )
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.drop_column("note")

    op.drop_table("diagram_draft")
    op.drop_table("trial_run")
    op.drop_table("form_draft")
    op.drop_table("form_version")
