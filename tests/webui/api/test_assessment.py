"""GET /api/assessment and the cases behind a figure (SPEC §6 A1, S1): who sees which units,
the figures of the hand-built cases, and a logged 403 for a handler."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AccessLog
from tests.assessment_cases import AS_OF, play


@pytest.fixture
def played(jtflow, clock):  # type: ignore[no-untyped-def]
    cases = play(jtflow, clock)
    clock.set(AS_OF)
    return cases


def denials(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return list(
            db.execute(
                select(AccessLog.username, AccessLog.target_id).where(AccessLog.action == "denied")
            )
        )


def units_of(answer):  # type: ignore[no-untyped-def]
    return {u["unit"]: u for u in answer["units"]}


@pytest.mark.parametrize("username", ["c_analyst", "office", "deputy", "auditor"])
def test_analysts_the_office_and_leaders_see_every_unit(api_as, played, username):  # type: ignore[no-untyped-def]
    response = api_as(username).get("/api/assessment?period=2026-Q3")
    assert response.status_code == 200, response.json
    units = units_of(response.json)
    assert {"BUS_GROUP", "TRANSPORT_DEV", "HIGHWAY_DEV", "CENTER"} <= set(units)
    bus = units["BUS_GROUP"]["events"]
    assert bus["received"]["value"] == 2
    assert bus["sign_for_on_time_rate"]["value"] == 0.5
    assert bus["sign_for_on_time_rate"]["late"]["value"] == 1
    assert bus["repeated_returns"]["value"] == 1
    assert bus["closure"]["average_wd"] == 2.03 and bus["closure"]["p90_wd"] == 4.0
    assert units["TRANSPORT_DEV"]["events"]["supervised"]["value"] == 2
    assert units["HIGHWAY_DEV"]["events"]["received"]["value"] == 0  # no work: zeros, no score
    assert units["HIGHWAY_DEV"]["score"] is None
    assert all(u["data"] is None for u in units.values())  # no data records: A2 empty


def test_each_figure_lists_its_cases(api_as, played):  # type: ignore[no-untyped-def]
    api = api_as("c_analyst")
    bus = units_of(api.get("/api/assessment?period=2026-Q3").json)["BUS_GROUP"]["events"]
    late = bus["sign_for_on_time_rate"]["late"]
    assert late["figure"] == "sign_for_late"
    listed = api.get(late["cases"])
    assert listed.status_code == 200
    assert [c["case_no"] for c in listed.json["cases"]] == [played.late_sign_for.case_no]
    assert listed.json["cases"][0]["step_through"].endswith(
        f"/audit/cases/{played.late_sign_for.case_no}/steps"
    )
    repeated = api.get(bus["repeated_returns"]["cases"]).json["cases"]
    assert [(c["case_no"], c["steps"]) for c in repeated] == [(played.returned_twice.case_no, 2)]
    red = next(s for s in bus["steps"] if s["step"] == "sign_for")["red"]
    assert red["value"] == len(api.get(red["cases"]).json["cases"]) == 1


def test_a_unit_leader_sees_only_their_unit(api_as, jtflow, played):  # type: ignore[no-untyped-def]
    api = api_as("bus_leader")
    answer = api.get("/api/assessment?period=2026-Q3").json
    assert [u["unit"] for u in answer["units"]] == ["BUS_GROUP"] and answer["unit"] == "BUS_GROUP"
    assert api.get("/api/assessment?period=2026-Q3&unit=TRANSPORT_DEV").status_code == 403
    other = "/api/assessment/cases?period=2026-Q3&unit=TRANSPORT_DEV&figure=received"
    assert api.get(other).status_code == 403
    assert [u for u, _ in denials(jtflow)] == ["bus_leader", "bus_leader"]


@pytest.mark.parametrize("username", ["bus_handler", "c_12328", "owner"])
def test_handlers_are_refused_and_the_refusal_logged(api_as, jtflow, played, username):  # type: ignore[no-untyped-def]
    response = api_as(username).get("/api/assessment")
    assert response.status_code == 403
    assert response.json["error"] == "forbidden"
    assert denials(jtflow) == [(username, "/api/assessment")]


@pytest.mark.parametrize(
    "query",
    ["period=2026-13", "period=26", "period=2026-Q5", "unit=NOWHERE", "period=1899"],
)
def test_a_bad_period_or_unit_is_a_400_naming_it(api_as, query):  # type: ignore[no-untyped-def]
    response = api_as("c_analyst").get(f"/api/assessment?{query}")
    assert response.status_code == 400
    assert response.json["fields"][0]["field"] == query.split("=")[0]


def test_an_unknown_figure_is_a_400(api_as):  # type: ignore[no-untyped-def]
    response = api_as("c_analyst").get("/api/assessment/cases?figure=light.sign_for.blue")
    assert response.status_code == 400 and response.json["fields"][0]["field"] == "figure"
    assert api_as("c_analyst").get("/api/assessment/cases").status_code == 400


def test_the_default_period_is_the_current_year(api_as, clock):  # type: ignore[no-untyped-def]
    answer = api_as("c_analyst").get("/api/assessment").json
    assert (answer["period"], answer["from"], answer["until"]) == (
        "2026",
        "2026-01-01",
        "2027-01-01",
    )
    assert {w["name"] for w in answer["weights"]["items"]} >= {
        "sign_for_on_time",
        "closure_target_wd",
    }


def test_the_accountability_list_with_its_evidence(api_as, played):  # type: ignore[no-untyped-def]
    answer = api_as("c_analyst").get("/api/assessment/accountability?period=2026-Q3").json
    assert [(c["clause"], c["case_no"]) for c in answer["cases"]] == [
        ("2.3.1", played.late_sign_for.case_no),
        ("2.3.2", played.overdue_reply.case_no),
        ("2.3.3", played.returned_twice.case_no),
        ("2.3.4", played.urgent.case_no),
    ]
    late = answer["cases"][0]
    red = next(e for e in late["evidence"] if e["kind"] == "escalated")
    assert red["step_through"] == f"/audit/cases/{late['case_no']}/steps/{red['seq']}"
    assert set(answer["clauses"]) == {"2.3.1", "2.3.2", "2.3.3", "2.3.4", "1(2)"}
    own = api_as("transport_leader").get("/api/assessment/accountability?period=2026-Q3").json
    assert [c["clause"] for c in own["cases"]] == ["2.3.2", "2.3.4"]
    assert api_as("transport_handler").get("/api/assessment/accountability").status_code == 403
