"""The web app on a real SQLite file (the engine's test template) and the fake clock."""

from __future__ import annotations

import pytest

from engine.config import Settings
from webui import create_app


@pytest.fixture
def app(db_url, jtflow):  # type: ignore[no-untyped-def]
    return create_app(Settings(database_url=db_url), jtflow=jtflow, config={"TESTING": True})


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()
