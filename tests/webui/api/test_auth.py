"""S1 for the API: a bearer token from `jtflow token create` (stored hashed) is the only way in;
no token, a wrong, revoked or expired one or a session cookie is 401 JSON; CSRF does not
apply; checking a token is a read (its last use is written at most once a minute)."""

from __future__ import annotations

from sqlalchemy import event as db_event
from sqlalchemy import select

from engine.models import AccessLog, ApiToken
from engine.people.accounts import create_token, disable_user
from tests.factories import Span
from tests.webui.test_sign_in import sign_in

from .conftest import Api
from .test_events import event


def test_no_token_is_401_json_with_a_bearer_challenge(api_as):
    for path in ("/api/tasks", "/api/tasks/1", "/api/cases/1", "/api/cases/1/history"):
        response = api_as(None).get(path)
        assert response.status_code == 401, path
        assert response.get_json()["error"] == "unauthorized"
        assert "jtflow token create" in response.get_json()["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api_as(None).post("/api/events", event()).status_code == 401


def test_a_wrong_scheme_or_an_unknown_token_is_401_and_logged(client, jtflow):
    basic = client.get("/api/tasks", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert basic.status_code == 401
    response = Api(client, "not-a-token").get("/api/tasks")
    assert response.status_code == 401 and "令牌无效" in response.get_json()["detail"]
    with jtflow.sessions() as db:
        refused = db.scalars(select(AccessLog).where(AccessLog.action == "token_refused")).all()
    assert [(r.allowed, r.target_id) for r in refused] == [(False, "/api/tasks")]


def test_tokens_are_stored_hashed_and_record_their_last_use(api_as, jtflow, clock):
    api = api_as("bus_handler")
    with Span(clock) as request:
        assert api.get("/api/tasks").status_code == 200
    with jtflow.sessions() as db:
        row = db.scalar(select(ApiToken).where(ApiToken.username == "bus_handler"))
    assert row.token_hash != api.token and len(row.token_hash) == 64
    assert row.last_used_at in request


def test_an_api_request_within_a_minute_of_the_last_writes_nothing(api_as, jtflow, clock):
    """No write transaction from reading: while another step holds SQLite's write lock, a
    token check has nothing to wait for."""
    api = api_as("bus_handler")
    with Span(clock) as first_use:
        assert api.get("/api/tasks").status_code == 200
    written: list[str] = []
    bind = jtflow.sessions.kw["bind"]

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            written.append(statement)

    db_event.listen(bind, "before_cursor_execute", record)
    try:
        clock.advance(seconds=59)
        assert api.get("/api/tasks").status_code == 200
        assert written == []
        clock.advance(seconds=2)
        with Span(clock) as second_use:
            assert api.get("/api/tasks").status_code == 200
        assert [w.split()[:2] for w in written] == [["UPDATE", "api_token"]]
    finally:
        db_event.remove(bind, "before_cursor_execute", record)
    with jtflow.sessions() as db:
        row = db.scalar(select(ApiToken).where(ApiToken.username == "bus_handler"))
    assert row.last_used_at in second_use and row.last_used_at not in first_use


def test_an_expired_token_is_401_saying_how_to_get_a_new_one(client, jtflow, clock):
    with jtflow.sessions() as db:
        token = create_token(db, "bus_handler", clock.now(), days=1)
        db.commit()
    assert Api(client, token).get("/api/tasks").status_code == 200
    clock.advance(days=1)
    response = Api(client, token).get("/api/tasks")
    assert response.status_code == 401
    assert response.get_json()["detail"] == (
        "令牌已于 2026-09-29 09:00 过期：请用 `jtflow token create bus_handler` 生成新令牌"
    )
    with jtflow.sessions() as db:
        refused = db.scalar(select(AccessLog).where(AccessLog.action == "token_refused"))
    assert refused is not None and "过期" in refused.detail


def test_a_disabled_users_token_stops_working(api_as, jtflow):
    api = api_as("bus_handler")
    with jtflow.sessions() as db:
        disable_user(db, "bus_handler")
        db.commit()
    assert api.get("/api/tasks").status_code == 401


def test_a_session_cookie_is_not_api_authentication(client):
    sign_in(client, "c_monitor")
    assert client.get("/").status_code == 200  # signed in for the pages
    assert client.get("/api/tasks").status_code == 401
    assert client.post("/api/events", json=event()).status_code == 401


def test_token_calls_need_no_csrf_token(app, api_as):
    assert app.config.get("WTF_CSRF_ENABLED", True)  # the pages' forms keep their CSRF check
    assert api_as("c_monitor").post("/api/events", event()).status_code == 201


def test_the_openapi_document_needs_no_token(api_as):
    assert api_as(None).get("/api/openapi.json").status_code == 200
