"""Flask extensions, created once and bound to the app in create_app, and the one way
pages reach the engine (`current_jtflow`) and the database (`request_session`)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine.db import make_engine
from engine.models import Base
from engine.service import Jtflow


class EngineSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy on the engine's own connection pool (DESIGN.md "Storage"): the app's
    Jtflow and the pages share one engine, made by engine.db.make_engine (SQLite in WAL
    mode with its pragmas, orjson JSON, the psycopg driver for postgresql:// addresses)."""

    def _apply_driver_defaults(self, options: dict[str, Any], app: Flask) -> None:
        """make_engine sets the drivers up; a relative SQLite path stays relative to the
        working folder, as for the CLI, not to Flask's instance folder."""

    def _make_engine(self, bind_key: str | None, options: dict[str, Any], app: Flask) -> Engine:
        given = app.extensions.get("jtflow")
        if given is not None:  # a Jtflow handed to create_app brings its engine along
            engine: Engine = given.sessions.kw["bind"]
            return engine
        return make_engine(str(options.pop("url")), **options)


babel = Babel()
csrf = CSRFProtect()
db = EngineSQLAlchemy(
    model_class=Base,
    disable_autonaming=True,
    session_options={"expire_on_commit": False},  # as engine.db.make_session_factory
)


def current_jtflow() -> Jtflow:
    """The engine bound to the app in create_app."""
    jtflow: Jtflow = current_app.extensions["jtflow"]
    return jtflow


@contextmanager
def request_session() -> Iterator[Session]:
    """The request's session (Flask-SQLAlchemy's, removed when the request ends). What a
    block read is let go at its end, so the next block sees what the engine wrote meanwhile."""
    session = db.session()
    try:
        yield session
    finally:
        session.close()


def background() -> ThreadPoolExecutor:
    """One worker thread per app for long work a page starts and then polls (a trial of a
    draft on history): one at a time, so a trial never starves the requests."""
    executor: ThreadPoolExecutor = current_app.extensions["background"]  # made in create_app
    return executor
