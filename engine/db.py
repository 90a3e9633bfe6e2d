"""Connecting to the database and bringing its schema up to date (Alembic).

SQLite is the embedded default (a file, WAL mode, no set-up); PostgreSQL serves
several processes of one city with the same code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker

from .errors import ConfigurationError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", orjson.loads)
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as e:
        raise ConfigurationError(
            f"数据库地址 {url} 无效（{e}）：请检查 JTFLOW_DATABASE_URL，"
            "如 sqlite:///jtflow.sqlite 或 postgresql://user@host/dbname"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _json_text(value: Any) -> str:
    """JSON columns as readable UTF-8 (Chinese stays Chinese), written by the fast orjson."""
    return orjson.dumps(value).decode()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@compiles(Table, "sqlite")
def _sqlite_table_hint(table: Table, compiler: Any, **kw: Any) -> str:
    """SQLAlchemy's SQLite compiler drops `with_hint(table, ..., "sqlite")`; this writes it
    after the table, for `INDEXED BY` where SQLite's planner picks the wrong index."""
    text = str(compiler.visit_table(table, **kw))
    hint = (kw.get("fromhints") or {}).get(table)
    return f"{text} {hint}" if hint and kw.get("asfrom") else text


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Create the schema, or bring an older one up to date (`jtflow init`)."""
    command.upgrade(alembic_config(engine), "head")
