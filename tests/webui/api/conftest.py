"""API clients: a bearer token per demo user, made the way `jtflow token create` makes it."""

from __future__ import annotations

from typing import Any

import pytest

from engine.people.accounts import create_token


class Api:
    """The Flask test client speaking JSON as one user (or with no or a bad token)."""

    def __init__(self, client: Any, token: str | None):
        self.client, self.token = client, token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        if body is not None:
            kwargs["json"] = body
        return self.client.post(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def token_for(jtflow):  # type: ignore[no-untyped-def]
    def make(username: str) -> str:
        with jtflow.sessions() as db:
            token = create_token(db, username, jtflow.clock.now())
            db.commit()
        return token

    return make


@pytest.fixture
def api_as(client, token_for):  # type: ignore[no-untyped-def]
    """`api_as("bus_handler")` is an API client holding that user's token; None: no token."""
    return lambda username: Api(client, token_for(username) if username else None)
