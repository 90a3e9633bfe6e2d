"""The start page offers each person the processes they may start (engine.people.starting),
and only those whose pages this app serves."""

from __future__ import annotations

import pytest

from tests.webui.pages import signed_in_as, text


@pytest.mark.parametrize(
    ("username", "offered", "not_offered"),
    [
        ("c_12328", ["start-event_lifecycle"], []),  # a center post reports events
        ("bus_handler", ["start-event_lifecycle"], []),  # a unit's handler reports patrols
    ],
)
def test_the_start_page_offers_what_the_person_may_start(client, username, offered, not_offered):
    signed_in_as(client, username)
    page = text(client.get("/start"))
    for id in offered:
        assert f'id="{id}"' in page
    for id in not_offered:
        assert f'id="{id}"' not in page


def test_an_auditor_is_told_that_work_arrives_in_the_inbox(client):
    signed_in_as(client, "auditor")
    response = client.get("/start")
    assert response.status_code == 200
    assert 'id="nothing-to-start"' in text(response) and "待办" in text(response)


def test_the_event_start_links_to_the_report_form(client):
    signed_in_as(client, "c_12328")
    response = client.get("/start")
    assert 'href="/report"' in text(response)
