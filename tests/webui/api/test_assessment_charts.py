"""GET /api/assessment/charts (issue 15 item 4): the dashboard's series for the readers of
the assessment, each bar linked to its cases, in the documented shape; a unit's leader gets
their own unit's, a handler a logged 403."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
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


def test_the_analyst_gets_every_chart_with_the_cases_behind_each_bar(api_as, played):  # type: ignore[no-untyped-def]
    api = api_as("c_analyst")
    response = api.get("/api/assessment/charts?period=2026-Q3")
    assert response.status_code == 200, response.json
    charts = response.json
    assert (charts["period"], charts["unit"]) == ("2026-Q3", None)

    lights = {u["unit"]: u for u in charts["lights_by_unit"]}
    assert lights["BUS_GROUP"]["name"] == "厦门公交集团有限公司"
    assert (
        lights["TRANSPORT_DEV"]["yellow"]["value"],
        lights["TRANSPORT_DEV"]["red"]["value"],
    ) == (
        1,
        3,
    )
    assert [u["unit"] for u in charts["lights_by_unit"]][0] == "TRANSPORT_DEV"
    assert lights["BUREAU_OFFICE"]["red"]["value"] == 1  # its 督办 ran past its own deadline
    red = lights["BUS_GROUP"]["red"]
    assert red["figure"] == "lights.red"
    assert red["page"] == "/assessment/cases?period=2026-Q3&unit=BUS_GROUP&figure=lights.red"
    listed = api.get(red["cases"]).json["cases"]
    assert [c["case_no"] for c in listed] == [played.late_sign_for.case_no]

    september = charts["months"][2]
    assert september["month"] == "2026-09"
    assert (september["sign_for_on_time_rate"], september["feedback_on_time_rate"]) == (
        0.75,
        0.6667,
    )
    assert charts["months"][0]["sign_for_on_time_rate"] is None  # July: nothing to rate
    late = api.get(september["sign_for_late"]["cases"]).json
    assert late["period"] == "2026-09"
    assert [c["case_no"] for c in late["cases"]] == [played.late_sign_for.case_no]

    assert [(b["low_wd"], b["high_wd"], b["value"]) for b in charts["closure_wd"]][:4] == [
        (0, 1, 1),
        (1, 2, 0),
        (2, 3, 0),
        (3, 5, 1),
    ]
    assert charts["closure_wd"][-1]["high_wd"] is None
    reply = charts["open_steps"][0]
    assert (reply["step"], reply["name"], reply["value"], reply["case_count"]) == (
        "handle_reply",
        "办理答复",
        2,
        2,
    )
    ranking = [r["unit"] for r in charts["ranking"]]
    assert ranking[:2] == ["CENTER", "BUS_GROUP"] and "TRANSPORT_DEV" in ranking
    # the office is ranked too now that its 督办 is a watched step (E12)
    assert [r["rank"] for r in charts["ranking"]][:5] == [1, 2, 3, 4, None]


def test_the_answer_is_as_documented(api_as, played):  # type: ignore[no-untyped-def]
    document = api_as(None).get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/assessment/charts"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    figure = document["paths"]["/api/assessment/cases"]["get"]["parameters"][2]["schema"]
    answer = api_as("c_analyst").get("/api/assessment/charts?period=2026").json
    assert not [e.message for e in Draft202012Validator(schema).iter_errors(answer)]
    bars = [u["red"] for u in answer["lights_by_unit"]] + answer["closure_wd"]
    bars += answer["open_steps"]
    for bar in bars:  # every figure a chart links to is one the cases endpoint documents
        assert not list(Draft202012Validator(figure).iter_errors(bar["figure"])), bar["figure"]
    assert len(answer["months"]) == 12


def test_a_unit_leader_gets_their_own_units_charts(api_as, jtflow, played):  # type: ignore[no-untyped-def]
    api = api_as("bus_leader")
    charts = api.get("/api/assessment/charts?period=2026-Q3").json
    assert charts["unit"] == "BUS_GROUP"
    assert [u["unit"] for u in charts["lights_by_unit"]] == ["BUS_GROUP"]
    assert [r["unit"] for r in charts["ranking"]] == ["BUS_GROUP"]
    assert charts["months"][2]["feedback_on_time_rate"] == 1.0  # not TRANSPORT_DEV's 0 of 2
    assert "unit=BUS_GROUP" in charts["closure_wd"][3]["cases"]
    refused = api.get("/api/assessment/charts?period=2026-Q3&unit=TRANSPORT_DEV")
    assert refused.status_code == 403
    assert denials(jtflow) == [("bus_leader", "/api/assessment/charts")]


@pytest.mark.parametrize("username", ["bus_handler", "c_12328"])
def test_handlers_are_refused_and_the_refusal_logged(api_as, jtflow, played, username):  # type: ignore[no-untyped-def]
    response = api_as(username).get("/api/assessment/charts")
    assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert denials(jtflow) == [(username, "/api/assessment/charts")]


def test_a_bad_period_is_a_400_naming_it(api_as):  # type: ignore[no-untyped-def]
    response = api_as("c_analyst").get("/api/assessment/charts?period=2026-13")
    assert response.status_code == 400 and response.json["fields"][0]["field"] == "period"
    assert api_as(None).get("/api/assessment/charts").status_code == 401
