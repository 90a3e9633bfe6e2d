"""People on pages by their names, not their login names (a login name is a code): one
lookup of everyone's display name per request, made the first time a page names someone."""

from __future__ import annotations

from flask import g

from engine.people.users import display_names

from .extensions import request_session
from .labels import translated


def person(username: str | None) -> str:
    if not username:
        return "—"
    names: dict[str, str] | None = g.get("_display_names")
    if names is None:
        with request_session() as db:
            names = g._display_names = display_names(db)
    return translated(names.get(username, username))
