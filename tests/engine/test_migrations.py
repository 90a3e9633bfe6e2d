"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from engine.db import alembic_config, make_engine, migrate
from engine.models import Base


def test_migrations_match_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite'}")
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_0006_copies_each_cases_location_out_of_its_facts(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    command.upgrade(alembic_config(engine), "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO definition (id, process_id, version, content_hash, files, spec,"
                " deployed_at, deployed_by) VALUES (1, 'p', 1, 'h', '{}', x'', '2026-09-28', 's')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO instance (id, definition_id, status, state, version, channel,"
                " urgency, title, facts, created_at, updated_at, history_seq, history_hash)"
                " VALUES (1, 1, 'running', x'', 1, 'monitoring', 'normal', '漏水',"
                " :facts, '2026-09-28', '2026-09-28', 0, '0')"
            ),
            {"facts": '{"location": "火车站公交场站", "title": "漏水"}'},
        )
    migrate(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT location FROM instance")) == "火车站公交场站"


def test_0007_keeps_old_tokens_without_expiry_and_lifts_old_locks(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    command.upgrade(alembic_config(engine), "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisation VALUES ('U', '单位', '部门')"))
        connection.execute(
            text(
                "INSERT INTO user_account (id, username, display_name, unit_code, roles, active,"
                " failed_logins, locked_until) VALUES (1, 'u', '用户', 'U', '[]', 1, 5,"
                " '2999-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO api_token (username, token_hash, created_at, revoked)"
                " VALUES ('u', 'h', '2026-09-28 01:00:00', 0)"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT expires_at FROM api_token")) is None
        assert connection.scalar(text("SELECT session_epoch FROM user_account")) == 0
    command.downgrade(alembic_config(engine), "0006")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT failed_logins FROM user_account")) == 0
