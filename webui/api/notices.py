"""Interface notices over the API (O1, O3): a unit files a notice for its own interfaces;
the unit lists its notices (the center and auditors: all), the late ones with `late=true`
for the assessment (A2). The steps after are ordinary tasks (`/api/tasks`)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine import notices as service
from engine.errors import FormInvalid
from engine.models import Instance
from engine.people.access_rule import CENTER, check_may_change, reads_everything

from ..extensions import current_jtflow, request_session
from .blueprint import api
from .bodies import Query, json_object
from .problems import with_choices
from .shapes import started


@api.post("/notices")
def file_notice() -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    body = json_object()
    try:
        ref = service.file_notice(engine, body, filer=g.user.username)
    except FormInvalid as e:
        raise with_choices(e, engine.forms.schema(service.FORM)) from None
    return started(ref)


@api.get("/notices")
def list_notices() -> Any:
    query = Query()
    late = query.choice("late", ("true", "false"))
    query.check()
    everything = reads_everything(g.user) or g.user.unit_code == CENTER
    with request_session() as db:
        rows = service.notices_of_unit(
            db,
            None if everything else g.user.unit_code,
            late=None if late is None else late == "true",
        )
        return {"notices": [notice_json(c) for c in rows]}


def notice_json(case: Instance) -> dict[str, Any]:
    facts = case.facts or {}
    return {
        "case_no": case.case_no,
        "case_id": case.id,
        "status": case.status,
        "kind": facts.get("kind"),
        "interface_name": facts.get("interface_name"),
        "unit": facts.get("reporter_unit"),
        "resource_ids": list(facts.get("resource_ids", [])),
        "resource_names": list(facts.get("resource_names", [])),
        "stop_at": facts.get("stop_at"),
        "planned_resume": facts.get("planned_resume"),
        "discovered_at": facts.get("discovered_at"),
        "late": bool(facts.get("notice_late")),
        "deadline": facts.get("notice_deadline"),
        "created_at": case.created_at.isoformat(),
    }
