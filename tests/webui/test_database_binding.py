"""Flask-SQLAlchemy binds the engine's models on the engine's own pool (DESIGN.md "Storage")."""

from __future__ import annotations

from sqlalchemy import select, text

from engine.config import Settings
from engine.models import User
from webui import create_app
from webui.extensions import current_jtflow, db, request_session


def test_a_given_jtflow_and_the_pages_share_one_engine(app, jtflow):  # type: ignore[no-untyped-def]
    with app.app_context():
        assert db.engine is jtflow.sessions.kw["bind"]
        assert current_jtflow() is jtflow


def test_from_settings_the_engine_is_made_by_make_engine_and_shared(db_url, clock):  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=db_url), clock=clock, config={"TESTING": True})
    with app.app_context():
        engine = db.engine
        assert current_jtflow().sessions.kw["bind"] is engine
        assert str(engine.url) == db_url  # not moved into Flask's instance folder
        with engine.connect() as connection:  # make_engine's SQLite set-up is kept
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_request_session_reads_the_engine_models(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with request_session() as session:
            assert session.scalars(select(User)).first() is not None
        assert db.session() is session  # the request's own, let go but kept for the request
