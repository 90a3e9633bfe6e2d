"""No 500 from the pages for what a prober sends (issue 10): dates at year 1 or 9999, version
numbers past any integer column, lone surrogates in query strings. Each is a 4xx page saying
what is wrong, on a real SQLite file."""

from __future__ import annotations

import pytest

from tests.factories import report
from tests.webui.pages import post, signed_in_as, text
from tests.webui.test_report_page import EVENT

HUGE = 2**64 + 1  # past SQLite's and PostgreSQL's integers


@pytest.fixture(autouse=True)
def no_propagation(app):  # type: ignore[no-untyped-def]
    """A 500 is answered as the server would answer it, not raised into the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-06-01T08:00"])
def test_a_discovery_time_out_of_range_is_a_422_beside_its_field(client, when):
    signed_in_as(client, "c_12328")
    response = post(client, "/report", {**EVENT, "channel": "hotline_12328", "discovered_at": when})
    assert response.status_code == 422
    assert "年份在 1900 至 2999 之间" in text(response)


@pytest.mark.parametrize(
    "query",
    ["from=0001-01-01", "to=9999-12-31", "from=0001-01-01&to=9999-12-31", "to=3000-01-01"],
)
def test_search_dates_out_of_range_are_a_422_saying_so(client, query):
    signed_in_as(client, "auditor")
    response = client.get(f"/audit/cases?{query}")
    assert response.status_code == 422
    assert 'id="search-error"' in text(response) and "年份应在 1900 至 2999 之间" in text(response)
    for fmt in ("csv", "xlsx"):
        exported = client.get(f"/audit/cases.{fmt}?{query}")
        assert exported.status_code == 422 and "年份应在 1900 至 2999 之间" in text(exported)


@pytest.mark.parametrize(
    "path",
    [
        f"/processes/event_lifecycle/{HUGE}",
        f"/processes/event_lifecycle/{HUGE}/diagram.bpmn",
        f"/processes/event_lifecycle/{HUGE}/migration",
        f"/processes/event_lifecycle/1/migration?to={HUGE}",
        f"/processes/event_lifecycle/1/migration?to={2**31}",
        "/processes/event_lifecycle/0/diagram.bpmn",
    ],
)
def test_version_numbers_past_any_integer_are_404_pages(client, path):
    signed_in_as(client, "owner")
    response = client.get(path)
    assert response.status_code == 404 and "没有版本" in text(response)


def test_migrating_to_or_from_a_huge_version_is_a_404(client):
    signed_in_as(client, "owner")
    assert (
        post(client, f"/processes/event_lifecycle/{HUGE}/migration", {"to": "1"}).status_code == 404
    )
    assert (
        post(client, "/processes/event_lifecycle/1/migration", {"to": str(HUGE)}).status_code == 404
    )


def test_a_case_diagram_of_a_huge_version_is_a_404(client, jtflow):
    case = report(jtflow)
    signed_in_as(client, "c_12328")
    response = client.get(f"/cases/{case.case_no}/diagram.bpmn?version={HUGE}")
    assert response.status_code == 404 and f"未在流程第 {HUGE} 版上运行过" in text(response)


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("c_12328", "/?q=%ED%A0%80&step=%ED%A0%80"),  # a UTF-8-encoded lone surrogate
        ("auditor", "/audit/cases?q=%ED%A0%80&case_no=%ED%B0%80"),
        ("auditor", "/audit/cases.csv?q=%ED%A0%80"),
        ("c_12328", "/cases/%ED%A0%80"),
    ],
)
def test_lone_surrogates_in_query_strings_are_just_unknown_text(client, username, path):
    """Werkzeug decodes them as U+FFFD: a search that finds nothing, a case that is not found."""
    signed_in_as(client, username)
    assert client.get(path).status_code in (200, 404)


def test_a_nul_character_typed_in_a_form_is_a_422_beside_its_field(client):
    """PostgreSQL cannot store it; the page says which field, in the reader's language."""
    signed_in_as(client, "c_12328")
    typed = {**EVENT, "channel": "hotline_12328", "title": "漏\x00水"}
    response = post(client, "/report", typed)
    assert response.status_code == 422 and "「事件标题」不能含 NUL 字符" in text(response)
    english = post(client, "/report?lang=en", typed)
    assert english.status_code == 422 and "must not contain a NUL character" in text(english)
