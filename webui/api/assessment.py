"""GET /api/assessment and the cases behind each figure (SPEC §6, A1): for the center's
数据分析岗, 局办公室, the bureau's leaders and auditors (every unit) and a unit's leader (its
own); anyone else gets a 403, logged (engine.assessment.access, webui.errors)."""

from __future__ import annotations

from typing import Any

from flask import g, request

from engine.assessment import accountable, assess, cases_behind, scope_for
from engine.assessment.accountability import CLAUSES
from engine.assessment.cases import check_figure
from engine.assessment.periods import parse_period
from engine.errors import FieldError, InvalidInput
from engine.people.reference import UNIT_CODES

from ..assessment_view import accountable_json, assessment_json, case_json
from ..extensions import current_jtflow, request_session
from .blueprint import api
from .bodies import Query

UNITS = sorted(UNIT_CODES)


def _period_and_unit(query: Query) -> tuple[str | None, str | None]:
    """The period and unit asked for; a malformed one is a 400 naming the parameter."""
    period, unit = query.text("period"), query.choice("unit", UNITS)
    if request.args.get("period") == "":
        query.errors.append(
            FieldError("period", "参数 period 为空：省略它即为当年，或写 2026、2026-Q4、2026-11")
        )
    if period is not None:
        try:
            parse_period(period)
        except InvalidInput as e:
            query.errors += e.errors
            period = None
    return period, unit


@api.get("/assessment")
def assessment() -> Any:
    query = Query()
    period, unit = _period_and_unit(query)
    query.check()
    engine = current_jtflow()
    with request_session() as db:
        found = assess(
            db, engine.calendar, g.user, period=period, unit=unit, now=engine.clock.now()
        )
    return assessment_json(found)


@api.get("/assessment/cases")
def assessment_cases() -> Any:
    query = Query()
    period, unit = _period_and_unit(query)
    figure = query.text("figure") or ""
    try:
        check_figure(figure)
    except InvalidInput as e:
        query.errors += e.errors or [FieldError("figure", str(e))]
    query.check()
    engine = current_jtflow()
    with request_session() as db:
        scope = scope_for(g.user, period, unit, engine.clock.now())
        rows = cases_behind(db, engine.calendar, scope, figure)
    return {
        "period": scope.period.name,
        "unit": scope.unit,
        "figure": figure,
        "cases": [case_json(row) for row in rows],
    }


@api.get("/assessment/accountability")
def assessment_accountability() -> Any:
    """A3: the cases of 第五节 2.3 in the period, each with its evidence from the history."""
    query = Query()
    period, unit = _period_and_unit(query)
    query.check()
    engine = current_jtflow()
    with request_session() as db:
        scope, listed = accountable(
            db, engine.calendar, g.user, period=period, unit=unit, now=engine.clock.now()
        )
    return {
        "period": scope.period.name,
        "unit": scope.unit,
        "clauses": CLAUSES,
        "cases": [accountable_json(item) for item in listed],
    }
