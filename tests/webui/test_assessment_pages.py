"""The 考核评价 page (SPEC §6 A1): the analyst lands on it, sees units × figures for a period,
follows a figure to the cases behind it; a unit leader sees their unit; a handler is refused
(the 403 page, logged); English on request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import AccessLog
from tests.assessment_cases import AS_OF, play
from tests.webui.pages import signed_in_as, text
from tests.webui.test_sign_in import sign_in


@pytest.fixture
def played(jtflow, clock):  # type: ignore[no-untyped-def]
    cases = play(jtflow, clock)
    clock.set(AS_OF)
    return cases


def test_the_analyst_lands_on_the_assessment(client):  # type: ignore[no-untyped-def]
    response = sign_in(client, "c_analyst")
    assert response.status_code == 302 and response.headers["Location"] == "/assessment"
    page = text(client.get("/assessment"))
    assert "考核评价" in page and 'id="nav-assessment"' in page


def test_a_handler_still_lands_on_the_inbox_and_sees_no_assessment_link(client):  # type: ignore[no-untyped-def]
    response = sign_in(client, "bus_handler")
    assert response.headers["Location"] == "/"
    assert 'id="nav-assessment"' not in text(client.get("/"))


def test_units_by_figures_each_a_link_to_its_cases(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment?period=2026-Q3"))
    assert 'id="unit-BUS_GROUP"' in page and 'id="unit-TRANSPORT_DEV"' in page
    assert 'id="steps-TRANSPORT_DEV-phone_report"' in page
    link = "/assessment/cases?period=2026-Q3&amp;unit=BUS_GROUP&amp;figure=repeated_returns"
    assert link in page
    listed = text(client.get(link.replace("&amp;", "&")))
    assert played.returned_twice.case_no in listed
    assert played.late_sign_for.case_no not in listed
    assert f"/audit/cases/{played.returned_twice.case_no}/steps" in listed
    assert "closure_target_wd" in page  # the weights, and who sets them
    assert not re.search(r"[（(][ADEMOS][0-9]+[）)、]", page)  # headings and labels in words


def test_the_unit_filter_and_a_unit_leader(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment?period=2026-Q3&unit=TRANSPORT_DEV"))
    assert 'id="unit-TRANSPORT_DEV"' in page and 'id="unit-BUS_GROUP"' not in page
    fresh = client.application.test_client()
    signed_in_as(fresh, "bus_leader")
    own = text(fresh.get("/assessment?period=2026-Q3"))
    assert 'id="unit-BUS_GROUP"' in own and 'id="unit-TRANSPORT_DEV"' not in own
    assert fresh.get("/assessment?unit=TRANSPORT_DEV").status_code == 403


def test_a_handler_is_refused_and_logged(client, jtflow):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_handler")
    assert client.get("/assessment").status_code == 403
    assert client.get("/assessment/cases?figure=received").status_code == 403
    with jtflow.sessions() as db:
        denied = list(
            db.execute(
                select(AccessLog.username, AccessLog.target_id).where(AccessLog.action == "denied")
            )
        )
    assert denied == [("bus_handler", "/assessment"), ("bus_handler", "/assessment/cases")]


def test_in_english(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment?period=2026-Q3&lang=en"))
    assert "Assessment" in page and "Sign-for on time" in page


def test_the_accountability_page_links_each_piece_of_evidence(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment?period=2026-Q3"))
    assert "/assessment/accountability?period=2026-Q3" in page
    listed = text(client.get("/assessment/accountability?period=2026-Q3"))
    twice = played.returned_twice.case_no
    assert (
        f'id="a3-2-3-3-{twice}"' in listed
        and f'id="a3-2-3-1-{played.late_sign_for.case_no}"' in listed
    )
    assert f"/audit/cases/{twice}/steps/" in listed
    english = text(client.get("/assessment/accountability?period=2026-Q3&lang=en"))
    assert "Accountability" in english and "late sign-for" in english
