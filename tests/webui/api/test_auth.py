"""S1 for the API: a bearer token from `jtflow token create` (stored hashed) is the only way in;
no token, a wrong one, a revoked one or a session cookie is 401 JSON; CSRF does not apply."""

from __future__ import annotations

from sqlalchemy import select

from engine.accounts import disable_user
from engine.models import AccessLog, ApiToken
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


def test_tokens_are_stored_hashed_and_record_their_last_use(api_as, jtflow):
    api = api_as("bus_handler")
    assert api.get("/api/tasks").status_code == 200
    with jtflow.sessions() as db:
        row = db.scalar(select(ApiToken).where(ApiToken.username == "bus_handler"))
    assert row.token_hash != api.token and len(row.token_hash) == 64
    assert row.last_used_at == jtflow.clock.now()


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
