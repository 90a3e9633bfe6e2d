"""考核评价 pages (SPEC §6, A1): units × figures for a period, each figure a link to the
cases behind it. Readers as the API's (engine.assessment.access); a refusal is the logged
403 page. The ECharts dashboard above the table (webui.assessment_charts) draws the
same figures."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _

from engine.assessment import accountable, assess, cases_behind, scope_for
from engine.assessment.access import reads_all_units
from engine.assessment.accountability import CLAUSES
from engine.assessment.cases import check_figure
from engine.assessment.charts import charts_of
from engine.people.reference import HANDLING_UNITS, ORGANISATIONS

from .assessment_charts import chart_texts, charts_json
from .assessment_view import WEIGHTS_SOURCE
from .auth import signed_in
from .extensions import current_jtflow, request_session
from .figure_names import figure_name

assessment = Blueprint("assessment", __name__, url_prefix="/assessment")


def step_names() -> dict[str, str]:
    """The watched steps of the lifecycle by name, in the reader's language."""
    return {
        "classify": _("分类转办"),
        "sign_for": _("签收"),
        "handle_reply": _("办理答复"),
        "co_handle": _("协办"),
        "phone_report": _("电话报告"),
        "written_report": _("书面报告"),
        "center_audit": _("中心审核答复"),
    }


def _units() -> list[str]:
    """The units a filter offers: every unit to readers of all, else the reader's own."""
    if reads_all_units(g.user):
        return [
            "CENTER",
            *HANDLING_UNITS,
            *(c for c, _n, _p in ORGANISATIONS if c.startswith("BUREAU")),
        ]
    return [g.user.unit_code]


@assessment.get("")
@signed_in
def index() -> Any:
    engine = current_jtflow()
    period = request.args.get("period") or None
    unit = request.args.get("unit") or None
    with request_session() as db:
        found = assess(
            db, engine.calendar, g.user, period=period, unit=unit, now=engine.clock.now()
        )
        series = charts_of(db, engine.calendar, found)

    def cases_url(unit_code: str, figure: str) -> str:
        return url_for("assessment.cases", period=found.period.name, unit=unit_code, figure=figure)

    return render_template(
        "assessment.html",
        assessment=found,
        units=_units(),
        chosen_unit=unit or "",
        cases_url=cases_url,
        step_names=step_names(),
        weights_source=WEIGHTS_SOURCE,
        api_url=url_for("api.assessment", period=found.period.name, unit=found.unit),
        dashboard=charts_json(found, series),
        chart_texts=chart_texts(),
        title=_("考核评价"),
    )


@assessment.get("/cases")
@signed_in
def cases() -> Any:
    engine = current_jtflow()
    args = request.args
    figure = args.get("figure", "")
    check_figure(figure)
    with request_session() as db:
        scope = scope_for(
            g.user, args.get("period") or None, args.get("unit") or None, engine.clock.now()
        )
        rows = cases_behind(db, engine.calendar, scope, figure)
    return render_template(
        "assessment_cases.html",
        rows=rows,
        scope=scope,
        figure=figure,
        figure_name=figure_name,
        back=url_for("assessment.index", period=scope.period.name, unit=scope.unit),
        title=_("指标所含案件"),
    )


@assessment.get("/accountability")
@signed_in
def accountability() -> Any:
    """A3: the cases of 第五节 2.3 with the history events that show each."""
    engine = current_jtflow()
    period = request.args.get("period") or None
    unit = request.args.get("unit") or None
    with request_session() as db:
        scope, listed = accountable(
            db, engine.calendar, g.user, period=period, unit=unit, now=engine.clock.now()
        )
    return render_template(
        "assessment_accountability.html",
        listed=listed,
        scope=scope,
        clauses={k: _(v) for k, v in CLAUSES.items()},
        roles={"lead": _("牵头"), "fallback": _("兜底/改派"), "co": _("协办")},
        step_names=step_names(),
        back=url_for("assessment.index", period=scope.period.name, unit=scope.unit),
        title=_("责任追究"),
    )
