"""Every API error is `{error, detail}` JSON with a 4xx and a Chinese detail — never a 500, not
for odd ids, odd bodies or odd parameters either."""

from __future__ import annotations

import json

import pytest

from tests.factories import report, task_at

from .test_events import event

JSON = {"Content-Type": "application/json"}


def assert_error(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) >= {"error", "detail"} and body["detail"], body
    return body  # type: ignore[no-any-return]


def test_unknown_paths_and_methods_answer_in_json(api_as):
    api = api_as("c_12328")
    assert "/api/openapi.json" in assert_error(api.get("/api/nothing"), 404)["detail"]
    response = api.get("/api/events")
    assert "请求方法" in assert_error(response, 405)["detail"]
    assert "POST" in response.headers["Allow"]
    assert_error(api.post("/api/tasks"), 405)


@pytest.mark.parametrize(
    "path",
    [
        "/api/tasks/99999999999999999999999",
        "/api/tasks/-1",
        "/api/cases/99999999999999999999999",
        "/api/cases/99999999999999999999999/history",
        "/api/cases/%D9%A1%D9%A2",  # Arabic-Indic digits: not an id
        "/api/cases/%C2%B2",  # a superscript two
        "/api/cases/%00",
    ],
)
def test_odd_ids_are_404(api_as, path):
    assert_error(api_as("auditor").get(path), 404)


@pytest.mark.parametrize(
    "query",
    ["page=100001", "page=-3", "per_page=0", "q=%00", "step=a%00b", "sort=up", "scope=%00"],
)
def test_odd_parameters_are_400(api_as, query):
    body = assert_error(api_as("c_12328").get(f"/api/tasks?{query}"), 400)
    assert body["error"] == "invalid_parameter" and body["fields"]


def test_text_with_nul_characters_is_refused(api_as):
    body = assert_error(api_as("c_monitor").post("/api/events", event(title="漏\u0000水")), 400)
    assert "NUL" in body["detail"]


BAD_BODIES = [
    b"",
    b"{",
    b"[]",
    b"42",
    b'{"data": null}',
    b'{"data": "x"}',
    b'{"data": {"decision": null}}',
    b'{"data": {"decision": ["transfer"]}}',
    b'{"data": {"decision": {"$ne": 1}}}',
    b'{"data": {"decision": "transfer", "lead_unit": 7}}',
    b'{"data": {"\\u0000": 1}}',
    json.dumps({"data": {"decision": "x" * 100_000}}).encode(),
]


def test_no_body_breaks_a_completion_or_a_report(api_as, jtflow):
    task = task_at(jtflow, report(jtflow), "classify")
    api = api_as("c_12328")
    for raw in BAD_BODIES:
        for path in (f"/api/tasks/{task.id}/complete", "/api/events"):
            response = api.post(path, data=raw, headers=JSON)
            assert 400 <= response.status_code < 500, (path, raw[:40], response.status_code)
            assert {"error", "detail"} <= set(response.get_json())
    assert task_at(jtflow, report(jtflow), "classify").state == "open"


@pytest.mark.parametrize(
    "raw",
    [
        '{"title": "漏\\ud800水"}',  # a lone high surrogate in a value
        '{"title": "\\udfff"}',  # a lone low one
        '{"\\ud800": 1}',  # in a key
        '{"facility": {"name": ["\\ud83d"]}}',  # nested
    ],
)
def test_lone_surrogates_in_json_are_a_400_saying_so(api_as, jtflow, raw):
    """Valid JSON, but no UTF-8 text (no database, no answer) can hold them."""
    body = json.loads(raw)
    sent = json.dumps({**event(), **body}, ensure_ascii=True)  # keeps the surrogate escaped
    api = api_as("c_monitor")
    answer = assert_error(api.post("/api/events", data=sent, headers=JSON), 400)
    assert answer["error"] == "malformed_json" and "代理项" in answer["detail"]
    task = task_at(jtflow, report(jtflow), "classify")
    done = api_as("c_12328").post(
        f"/api/tasks/{task.id}/complete", data=f'{{"data": {raw}}}', headers=JSON
    )
    assert "代理项" in assert_error(done, 400)["detail"]


def test_a_surrogate_pair_is_one_character_and_welcome(api_as):
    response = api_as("c_monitor").post("/api/events", event(title="候车亭漏水 \U0001f327"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00:00+08:00",  # overflows on the way to UTC
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-08:00",
        "9999-12-31T23:59:59Z",  # overflows on the way to Xiamen
        "3000-01-01T00:00:00+08:00",
    ],
)
def test_a_discovery_time_at_the_ends_of_the_calendar_is_a_422(api_as, when):
    body = assert_error(api_as("c_monitor").post("/api/events", event(discovered_at=when)), 422)
    assert [f["field"] for f in body["fields"]] == ["discovered_at"]
    assert "年份在 1900 至 2999 之间" in body["detail"]


@pytest.mark.parametrize(
    "query", ["q=%ED%A0%80", "step=%ED%A0%80", "q=%ED%A0%80%ED%B0%80", "scope=%ED%A0%80"]
)
def test_lone_surrogates_in_query_strings_are_ordinary_unknown_text(api_as, query):
    """Werkzeug decodes them as U+FFFD: no match (200) or not a value the list allows (400)."""
    response = api_as("auditor").get(f"/api/tasks?{query}")
    assert response.status_code in (200, 400) and response.get_json()


@pytest.mark.parametrize(
    "query",
    ["urgency=", "channel=", "light=", "scope=", "sort=", "page=", "per_page=", "page=%D9%A1"],
)
def test_an_empty_or_foreign_value_for_a_closed_parameter_is_a_400(api_as, query):
    """The document lists the values (or an integer): an empty one is none of them. To not
    filter, leave the parameter out."""
    body = assert_error(api_as("c_12328").get(f"/api/tasks?{query}"), 400)
    assert (
        body["error"] == "invalid_parameter"
        and body["fields"][0]["field"] == query[:-1].split("=")[0]
    )
