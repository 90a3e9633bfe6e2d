"""The modeler, compare and form-editor pages (issue 14) as the server serves them: shells
for their bundled scripts, with the URLs and translated words those scripts need, a clear
notice when the bundle is not built, the live form preview drawn by the task page's own
template — and, for everyone but a 流程负责人, the logged 403."""

from __future__ import annotations

import json
import re
from importlib import import_module

import pytest
from sqlalchemy import select

from engine.models import AccessLog
from tests.webui.pages import csrf, signed_in_as, text

PAGES = (
    "/processes/event_lifecycle/modeler",
    "/processes/event_lifecycle/compare",
    "/forms/sign_for/editor",
)


def page_config(page: str) -> dict:  # type: ignore[type-arg]
    block = re.search(
        r'<script type="application/json" id="jt-page-config">(.*?)</script>', page, re.S
    )
    assert block, "the page carries no config for its script"
    return json.loads(block.group(1))  # type: ignore[no-any-return]


def preview(client, schema):  # type: ignore[no-untyped-def]
    headers = {"X-CSRFToken": csrf(client)}
    return client.post("/forms/sign_for/preview", json={"schema": schema}, headers=headers)


@pytest.fixture
def built(monkeypatch):  # type: ignore[no-untyped-def]
    """The pages as they are once `npm run build` has run (their HTML, not the scripts)."""
    monkeypatch.setattr(import_module("webui.modeler"), "bundle_built", lambda: True)


def test_the_modeler_page_carries_its_api_and_words(client, built):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    page = text(client.get("/processes/event_lifecycle/modeler"))
    assert "<h1>编辑流程：交通运输事件监测处置</h1>" in page  # the process by its name
    assert 'src="/static/dist/modeler.js"' in page and 'name="csrf-token"' in page
    config = page_config(page)
    assert config["urls"]["draft"] == "/api/processes/event_lifecycle/draft"
    assert config["urls"]["version"] == "/processes/event_lifecycle/__version__"
    assert config["texts"]["group_user_task"] == "办理设置"
    for button in ("保存草稿", "检查", "部署", "试运行", "上传", "下载"):
        assert f">{button}<" in page or f">{button}<input" in page


def test_the_pages_in_english(client, built):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    client.get("/?lang=en")
    page = text(client.get("/processes/event_lifecycle/modeler"))
    assert "Edit process: Transport incident monitoring" in page
    assert page_config(page)["texts"]["group_user_task"] == "Handling"
    assert "Compare versions" in text(client.get("/processes/event_lifecycle/compare?a=1&b=1"))
    assert "Edit form" in text(client.get("/forms/sign_for/editor"))


def test_without_the_bundle_each_page_says_how_to_build_it(client, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(import_module("webui.modeler"), "bundle_built", lambda: False)
    signed_in_as(client, "owner")
    for path in PAGES:
        page = text(client.get(path))
        assert "npm ci && npm run build" in page, path
        assert "dist/" not in page, path


def test_the_processes_pages_link_to_the_modeler_and_comparison(client):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    listed = text(client.get("/processes"))
    assert 'href="/processes/event_lifecycle/modeler">编辑流程' in listed
    assert 'href="/processes/event_lifecycle/compare">比较版本' in listed
    assert 'id="edit-process"' in text(client.get("/processes/event_lifecycle/1"))


def test_an_unknown_process_or_version_is_404(client, built):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    assert client.get("/processes/nothing/modeler").status_code == 404
    assert client.get("/processes/event_lifecycle/compare?a=1&b=9").status_code == 404


def test_the_preview_draws_the_form_as_handlers_see_it(client, jtflow):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    schema = jtflow.forms.schema("sign_for")
    schema["properties"]["remark"] = {"title": "备注", "type": "string", "x-widget": "textarea"}
    answer = preview(client, schema)
    assert answer.status_code == 200
    html = answer.get_json()["html"]
    assert 'id="f-accept"' in html and '<textarea rows="4" id="f-remark" name="remark"' in html
    assert "备注" in html and "<script" not in html


@pytest.mark.parametrize("schema", [None, "text", {"properties": []}])
def test_a_schema_the_preview_cannot_draw_is_422(client, schema):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    answer = preview(client, schema)
    assert answer.status_code == 422 and answer.get_json()["detail"]


def test_the_preview_needs_the_csrf_token(client):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    assert client.post("/forms/sign_for/preview", json={"schema": {}}).status_code == 400


@pytest.mark.parametrize("username", ["c_12328", "auditor", "transport_leader"])
def test_only_process_owners_reach_the_pages(client, jtflow, built, username):  # type: ignore[no-untyped-def]
    signed_in_as(client, username)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert preview(client, {"properties": {}}).status_code == 403
    with jtflow.sessions() as session:
        denied = session.scalars(
            select(AccessLog).where(AccessLog.username == username, AccessLog.action == "denied")
        ).all()
    assert len(denied) == len(PAGES) + 1


def test_the_pages_need_sign_in(client):  # type: ignore[no-untyped-def]
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location
