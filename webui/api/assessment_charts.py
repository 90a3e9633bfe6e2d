"""GET /api/assessment/charts: the dashboard's series (issue 15 item 4) — lights by unit,
on-time rates per month, the closure-time distribution, open steps and the ranking — for
the same readers as GET /api/assessment (engine.assessment.access; others a logged 403)."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.assessment import assess
from engine.assessment.charts import charts_of

from ..assessment_charts import charts_json
from ..extensions import current_jtflow, request_session
from .assessment import _period_and_unit
from .blueprint import api
from .bodies import Query


@api.get("/assessment/charts")
def assessment_charts() -> Any:
    query = Query()
    period, unit = _period_and_unit(query)
    query.check()
    engine = current_jtflow()
    with request_session() as db:
        found = assess(
            db, engine.calendar, g.user, period=period, unit=unit, now=engine.clock.now()
        )
        series = charts_of(db, engine.calendar, found)
    return charts_json(found, series)
