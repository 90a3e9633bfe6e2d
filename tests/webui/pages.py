"""Helpers for page tests: sign in, the CSRF token of the signed-in session, a page's text."""

from __future__ import annotations

import re

from tests.webui.test_sign_in import sign_in


def signed_in_as(client, username):  # type: ignore[no-untyped-def]
    response = sign_in(client, username)
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def csrf(client):  # type: ignore[no-untyped-def]
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post(client, path, data=None, **kw):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf(client), **(data or {})}, **kw)


def text(response):  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)
