"""Security headers on every answer (issue 10): a CSP that allows this site's scripts only
(no inline script anywhere in the templates) and inline styles for bpmn-js, no framing, no
sniffing, no cross-site referrer; session cookies Secure when JTFLOW_SECURE_COOKIES is set."""

from __future__ import annotations

import re

import pytest

from engine.config import PROJECT_ROOT, Settings
from engine.errors import ConfigurationError
from tests.factories import report, task_at
from webui import create_app

from .pages import signed_in_as
from .test_sign_in import sign_in

TEMPLATES = PROJECT_ROOT / "webui" / "templates"


def assert_secured(response) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" in policy["style-src"]  # bpmn-js styles its SVG inline
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_every_kind_of_answer_carries_the_headers(client, jtflow):
    case = report(jtflow)
    task = task_at(jtflow, case, "classify")
    answers = [
        client.get("/login"),
        client.get("/"),  # a redirect to sign in
        client.get("/static/jtflow.css"),
        client.get("/api/openapi.json"),
        client.get("/api/tasks"),  # 401
        client.get("/api/nothing"),
    ]
    signed_in_as(client, "c_12328")
    answers += [
        client.get("/"),
        client.get(f"/tasks/{task.id}"),
        client.get(f"/cases/{case.case_no}"),
        client.get(f"/cases/{case.case_no}/diagram.bpmn"),
        client.get("/tasks/999999"),  # 404 page
        client.get("/audit/cases"),  # 403 page
    ]
    assert {a.status_code for a in answers} == {200, 302, 401, 403, 404}
    for answer in answers:
        assert_secured(answer)
        answer.close()  # the static file's


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_has_an_inline_script_or_handler(template):
    """The CSP refuses inline scripts: every script is a file, every handler set from one."""
    html = (TEMPLATES / template).read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag  # data, never run
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"
    assert "javascript:" not in html


def test_session_cookies_are_secure_when_served_over_https(db_url, jtflow):
    def cookie(settings: Settings) -> str:
        client = create_app(settings, jtflow=jtflow, config={"TESTING": True}).test_client()
        response = sign_in(client)
        assert response.status_code == 302
        return response.headers["Set-Cookie"]

    assert "Secure" not in cookie(Settings(database_url=db_url))  # plain http on one machine
    secure = cookie(Settings(database_url=db_url, secure_cookies=True))
    assert "; Secure" in secure and "HttpOnly" in secure and "SameSite=Lax" in secure


@pytest.mark.parametrize(
    ("value", "secure"), [("1", True), ("true", True), ("0", False), ("", False), ("no", False)]
)
def test_the_setting_comes_from_the_environment(value, secure):
    assert Settings.from_env({"JTFLOW_SECURE_COOKIES": value}).secure_cookies is secure
    assert Settings.from_env({}).secure_cookies is False


def test_a_setting_that_is_not_a_yes_or_no_says_so():
    with pytest.raises(ConfigurationError, match="JTFLOW_SECURE_COOKIES=maybe"):
        Settings.from_env({"JTFLOW_SECURE_COOKIES": "maybe"})
