"""Forms edited in the browser (issue 14, engine/definitions/form_drafts.py): a draft saved,
deployed as the form's next version, and in force from then on — the handler's form shows
the new field, the engine checks it — while a case answered before replays as it was."""

from __future__ import annotations

import copy

import pytest

from engine.replay import replay_case
from tests.engine.test_case_migration import waiting_at_sign_for
from tests.factories import answer_for, report, step, task_at
from tests.webui.pages import signed_in_as, text
from tests.webui.test_modeler_api import send

SIGN_FOR = "/api/forms/sign_for"


def with_photo_note(schema):  # type: ignore[no-untyped-def]
    """sign_for with a required 现场照片说明 field added."""
    changed = copy.deepcopy(schema)
    changed["properties"]["photo_note"] = {
        "title": "现场照片说明",
        "type": "string",
        "minLength": 1,
    }
    changed["required"] = [*changed.get("required", []), "photo_note"]
    return changed


@pytest.fixture
def owner(client):  # type: ignore[no-untyped-def]
    return signed_in_as(client, "owner")


def test_a_deployed_form_is_in_force_for_the_next_handler(owner, app, jtflow):  # type: ignore[no-untyped-def]
    answered = report(jtflow)  # signed for under the bundled form, before the change
    step(jtflow, answered, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    step(jtflow, answered, "sign_for")
    waiting = waiting_at_sign_for(jtflow)

    opened = owner.get(SIGN_FOR).get_json()
    assert (
        opened["is_draft"] is False
        and opened["version"] == 0
        and opened["schema"]["title"] == "签收"
    )
    saved = send(owner, "PUT", f"{SIGN_FOR}/draft", {"schema": with_photo_note(opened["schema"])})
    assert saved.status_code == 200 and owner.get(SIGN_FOR).get_json()["is_draft"] is True
    assert "photo_note" not in jtflow.forms.schema("sign_for")["properties"]  # a draft only

    deployed = send(owner, "POST", f"{SIGN_FOR}/deploy", {"note": "签收须说明现场照片"})
    assert deployed.status_code == 201 and deployed.get_json()["version"] == 1
    assert owner.get(SIGN_FOR).get_json() | {"schema": None} == {
        "name": "sign_for",
        "schema": None,
        "is_draft": False,
        "version": 1,
    }

    handler = app.test_client()
    signed_in_as(handler, "bus_handler")
    page = text(handler.get(f"/tasks/{task_at(jtflow, waiting, 'sign_for').id}"))
    assert "现场照片说明" in page
    with pytest.raises(Exception, match="现场照片说明"):
        step(jtflow, waiting, "sign_for")  # the bundled answer lacks the new field
    step(
        jtflow, waiting, "sign_for", {**answer_for("sign_for", "BUS_GROUP"), "photo_note": "见附件"}
    )

    result = replay_case(jtflow, answered.case_id)  # answered under the form then in force
    assert result.divergence is None, result.divergence


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array"},
        {"type": "object", "properties": {"x": {"type": "string", "pattern": "("}}},
        {"type": "object", "properties": {"x": {"type": 5}}},
        "not a schema",
    ],
)
def test_a_broken_form_is_refused_with_what_is_wrong(owner, schema):  # type: ignore[no-untyped-def]
    response = send(owner, "PUT", f"{SIGN_FOR}/draft", {"schema": schema})
    assert response.status_code == 422
    assert "表单有误" in response.get_json()["problems"][0]["message"]
    assert owner.get(SIGN_FOR).get_json()["is_draft"] is False


def test_a_bad_name_or_a_deploy_without_draft_is_refused(owner):  # type: ignore[no-untyped-def]
    assert owner.get("/api/forms/Bad-Name").status_code == 422
    assert send(owner, "POST", f"{SIGN_FOR}/deploy", {}).status_code == 422


@pytest.mark.parametrize("username", ["bus_handler", "auditor"])
def test_everyone_but_an_owner_gets_a_403(client, username):  # type: ignore[no-untyped-def]
    signed_in_as(client, username)
    assert client.get(SIGN_FOR).status_code == 403
    assert send(client, "PUT", f"{SIGN_FOR}/draft", {"schema": {}}).status_code == 403
    assert send(client, "POST", f"{SIGN_FOR}/deploy", {}).status_code == 403
