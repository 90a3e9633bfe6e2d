"""POST /api/events: 报送 an event (E1, E11); the body is forms/report_event.json."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from engine.errors import FormInvalid
from engine.people.access_rule import check_may_change

from ..extensions import current_jtflow
from .blueprint import api
from .bodies import json_object
from .problems import with_choices
from .shapes import opened


@api.post("/events")
def report_event() -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    report = json_object()
    try:
        ref = engine.report_event(report, reporter=g.user.username)
    except FormInvalid as e:
        raise with_choices(e, engine.forms.schema("report_event")) from None
    body = {"case_no": ref.case_no, "case_id": ref.case_id, "tasks": [opened(t) for t in ref.tasks]}
    return body, 201, {"Location": url_for("api.case", ref=ref.case_no)}
