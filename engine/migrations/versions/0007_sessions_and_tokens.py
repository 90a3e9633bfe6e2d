"""sign-in: sessions ended on the server, API tokens that expire, lockout per address (S1)

- `user_account.session_epoch`: copied into the session cookie at sign-in and raised on
  sign-out, a new password and disabling, so a copied cookie stops working.
- `api_token.expires_at`: new tokens expire (90 days unless said otherwise). Tokens made
  before stay NULL, meaning no expiry: expiring them here would cut off every client at
  the upgrade without warning. `jtflow token list` shows them as 不过期, to be replaced
  and revoked by their owners.
- `sign_in_failure` replaces the per-account counter (`failed_logins`, `locked_until`):
  failures are counted per user name and client address, so nobody can keep an account
  locked from elsewhere. The old counters are dropped (a lock in force is lifted).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding user_account on SQLite would drop a
    # table that api_token's foreign key points at. SQLite drops columns since 3.35.
    op.add_column(
        "user_account",
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"),
    )
    op.drop_column("user_account", "locked_until")
    op.drop_column("user_account", "failed_logins")
    op.add_column(
        "api_token",
        sa.Column("expires_at", engine.models.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", engine.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", engine.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", "client_address"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failure")
    op.drop_column("api_token", "expires_at")
    op.add_column(
        "user_account",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "user_account",
        sa.Column("locked_until", engine.models.UtcDateTime(timezone=True), nullable=True),
    )
    op.drop_column("user_account", "session_epoch")
