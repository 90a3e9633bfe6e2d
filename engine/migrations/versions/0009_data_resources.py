"""data resources: catalogue, administrators, grants, attachments (SPEC §4, O5)

- `catalogue_resource`: the catalogue's entries (D1, D2); (category, name) unique: one data,
  one source. `catalogue_change`: their append-only change log.
- `data_administrator`: each unit's registered data administrator, with history (O5).
- `data_grant`: what a sharing request or a market application granted (D3, D6, M3).
- `attachment`: uploaded files, stored by SHA-256 outside the rows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 15:15:14.160519
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider_unit", sa.String(length=40), nullable=False),
        sa.Column("data_format", sa.String(length=80), nullable=False),
        sa.Column("attribute", sa.String(length=20), nullable=False),
        sa.Column("update_period", sa.String(length=20), nullable=False),
        sa.Column("share_type", sa.String(length=20), nullable=False),
        sa.Column("share_scope", sa.String(length=200), nullable=False),
        sa.Column("share_modes", sa.JSON(), nullable=False),
        sa.Column("usage_requirements", sa.String(length=400), nullable=False),
        sa.Column("source_system", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("data_updated_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("published_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_unit"],
            ["organisation.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("category", "name"),
    )
    with op.batch_alter_table("catalogue_resource", schema=None) as batch_op:
        batch_op.create_index("ix_resource_provider", ["provider_unit", "status"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("retention", sa.String(length=20), nullable=False),
        sa.Column("uploaded_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_instance_id"), ["instance_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)

    op.create_table(
        "catalogue_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["catalogue_resource.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("catalogue_change", schema=None) as batch_op:
        batch_op.create_index("ix_catalogue_change_resource", ["resource_id", "id"], unique=False)

    op.create_table(
        "data_administrator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("registered_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=80), nullable=False),
        sa.Column("ended_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=80), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["organisation.code"],
        ),
        sa.ForeignKeyConstraint(
            ["username"],
            ["user_account.username"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_administrator", schema=None) as batch_op:
        batch_op.create_index("ix_data_administrator_unit", ["unit_code", "ended_at"], unique=False)

    op.create_table(
        "data_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("grantee", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=400), nullable=False),
        sa.Column("scope", sa.String(length=400), nullable=False),
        sa.Column("service_mode", sa.String(length=20), nullable=False),
        sa.Column("data_items", sa.JSON(), nullable=False),
        sa.Column("granted_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=80), nullable=False),
        sa.Column("valid_until", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=80), nullable=True),
        sa.Column("revoke_reason", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["catalogue_resource.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_grant_instance_id"), ["instance_id"], unique=False
        )
        batch_op.create_index("ix_grant_grantee", ["resource_id", "grantee"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_grant_grantee")
        batch_op.drop_index(batch_op.f("ix_data_grant_instance_id"))

    op.drop_table("data_grant")
    with op.batch_alter_table("data_administrator", schema=None) as batch_op:
        batch_op.drop_index("ix_data_administrator_unit")

    op.drop_table("data_administrator")
    with op.batch_alter_table("catalogue_change", schema=None) as batch_op:
        batch_op.drop_index("ix_catalogue_change_resource")

    op.drop_table("catalogue_change")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index(batch_op.f("ix_attachment_instance_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("catalogue_resource", schema=None) as batch_op:
        batch_op.drop_index("ix_resource_provider")

    op.drop_table("catalogue_resource")
