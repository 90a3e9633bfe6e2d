"""GET /api/openapi.json (DESIGN.md "Web"): a valid OpenAPI 3.1 document that describes every
route of the API blueprint, its bearer security, and takes the event body from the form."""

from __future__ import annotations

import copy
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from engine.time.clock import YEARS, YEARS_PATTERN
from tests.factories import report

from .test_events import event


def rule_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi(api_as):
    document = api_as(None).get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_and_method_of_the_api_is_documented(app, api_as):
    document = api_as(None).get("/api/openapi.json").get_json()
    routes = {
        (rule_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented
    for path, item in document["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, method)
            assert "200" in operation["responses"] or "201" in operation["responses"]
            if operation.get("security") != []:
                assert "401" in operation["responses"], (path, method)


def test_the_bearer_scheme_and_the_event_form(api_as, jtflow):
    document = api_as(None).get("/api/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "`jtflow token create 用户名` 生成的令牌",
    }
    assert document["security"] == [{"bearerAuth": []}]
    schema = document["components"]["schemas"]["ReportEvent"]
    form = jtflow.forms.schema("report_event")
    discovered = schema["properties"].pop("discovered_at")
    expected = copy.deepcopy({k: v for k, v in form.items() if k not in ("$schema", "$id")})
    assert discovered == {**expected["properties"].pop("discovered_at"), "pattern": YEARS_PATTERN}
    assert schema == expected  # the form itself, its date-time saying the years taken


@pytest.mark.parametrize("year", [1, 1899, 1900, 2026, 2999, 3000, 9999])
def test_the_documented_years_are_the_years_the_server_takes(api_as, year):
    """A date-time the document's pattern allows is one engine.definitions.forms takes, and no other."""
    when = f"{year:04d}-06-01T12:00:00+08:00"
    assert bool(re.search(YEARS_PATTERN, when)) == (year in YEARS)
    response = api_as("c_monitor").post("/api/events", event(discovered_at=when))
    assert response.status_code == (201 if year in YEARS else 422)


def test_answers_match_their_documented_schemas(api_as, jtflow):
    """The documented response schemas hold for real answers (checked with jsonschema)."""
    document = api_as(None).get("/api/openapi.json").get_json()
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:api", resource)

    def check(name: str, instance: object) -> None:
        validator = Draft202012Validator(
            {"$ref": f"urn:api#/components/schemas/{name}"}, registry=registry
        )
        errors = [e.message for e in validator.iter_errors(instance)]
        assert not errors, (name, errors)

    case = report(jtflow)
    api = api_as("c_12328")
    page = api.get("/api/tasks").get_json()
    check("TaskPage", page)
    task_id = page["items"][0]["id"]
    check("TaskDetail", api.get(f"/api/tasks/{task_id}").get_json())
    check("Task", api.post(f"/api/tasks/{task_id}/claim").get_json())
    check(
        "Completed",
        api.post(f"/api/tasks/{task_id}/complete", {"data": {"decision": "transfer"}}).get_json(),
    )
    check("Case", api.get(f"/api/cases/{case.case_no}").get_json())
    check("History", api.get(f"/api/cases/{case.case_no}/history").get_json())
    check("Error", api.get("/api/tasks/999").get_json())
    check("Error", api.get("/api/tasks?light=blue").get_json())
    body = {"channel": "monitoring"}
    check("Error", api_as("c_monitor").post("/api/events", body).get_json())
    check("Reported", api_as("c_monitor").post("/api/events", event()).get_json())
