"""The assessment dashboard's data (issue 15 item 4): one JSON shape for
GET /api/assessment/charts and for the ECharts page (webui/static/assessment_charts.js).
Every bar and point carries the figure and the URLs that list the cases behind it; units
and steps by their names in the reader's language, never their codes."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from engine.assessment import Assessment, UnitAssessment
from engine.assessment.charts import Charts
from engine.assessment.event_figures import Ratio

from .labels import unit_name


def step_names() -> dict[str, str]:
    """The lifecycle's steps by name, in the reader's language (open cases wait at any)."""
    return {
        "patrol_handle": _("巡检事件自行处置"),
        "classify": _("分类转办"),
        "remit_decision": _("职责确认"),
        "sign_for": _("签收"),
        "retransfer": _("重新转办"),
        "co_handle": _("协办"),
        "supervise": _("督办"),
        "phone_report": _("电话报告"),
        "written_report": _("书面报告"),
        "office_review": _("局办公室审核"),
        "answer_platform": _("答复来源平台"),
        "revisit": _("回访"),
        "archive": _("归档"),
        "handle_reply": _("办理答复"),
        "leader_approve": _("单位领导审核"),
        "deputy_approve": _("分管领导审核"),
        "center_audit": _("中心审核答复"),
        "press": _("催办"),
        "oversee": _("超期督办"),
    }


def figure_links(period: str, unit: str | None, figure: str) -> dict[str, Any]:
    """The figure's name and the API and page URLs listing its cases (unit None: all)."""
    query: dict[str, Any] = {"period": period, "unit": unit, "figure": figure}
    return {
        "figure": figure,
        "cases": url_for("api.assessment_cases", **query),
        "page": url_for("assessment.cases", **query),
    }


def _count(period: str, unit: str | None, figure: str, value: int) -> dict[str, Any]:
    return {"value": value, **figure_links(period, unit, figure)}


def _rate(ratio: Ratio) -> float | None:
    return None if ratio.rate is None else round(ratio.rate, 4)


def _lights(period: str, assessed: UnitAssessment) -> dict[str, Any]:
    steps = assessed.events.steps.values()
    return {
        "unit": assessed.unit,
        "name": unit_name(assessed.unit),
        **{
            light: _count(
                period, assessed.unit, f"lights.{light}", sum(getattr(x, light) for x in steps)
            )
            for light in ("yellow", "red")
        },
    }


def ranking(assessment: Assessment) -> list[dict[str, Any]]:
    """The units by score, best first; units without a score (no work) last, unranked."""
    scored = sorted(
        (u for u in assessment.units if u.score.value is not None),
        key=lambda u: (-(u.score.value or 0), u.unit),
    )
    unscored = [u for u in assessment.units if u.score.value is None]
    period = assessment.period.name
    rows = []
    for place, assessed in enumerate([*scored, *unscored], start=1):
        events = assessed.events
        rows.append(
            {
                "rank": place if assessed.score.value is not None else None,
                "unit": assessed.unit,
                "name": unit_name(assessed.unit),
                "score": assessed.score.value,
                "received": _count(period, assessed.unit, "received", events.received),
                "sign_for_on_time_rate": _rate(events.sign_for),
                "feedback_on_time_rate": _rate(events.feedback),
                "page": url_for("assessment.index", period=period, unit=assessed.unit),
            }
        )
    return rows


def charts_json(assessment: Assessment, charts: Charts) -> dict[str, Any]:
    period, unit = assessment.period.name, assessment.unit
    names = step_names()
    return {
        "period": period,
        "unit": unit,
        "as_of": assessment.as_of.isoformat(),
        "lights_by_unit": sorted(
            (_lights(period, u) for u in assessment.units),
            key=lambda u: (-u["red"]["value"], -u["yellow"]["value"], u["unit"]),
        ),
        "months": [
            {
                "month": month,
                "sign_for_on_time_rate": _rate(m.sign_for),
                "feedback_on_time_rate": _rate(m.feedback),
                "sign_for_late": _count(month, unit, "sign_for_late", m.sign_for.late),
                "feedback_late": _count(month, unit, "feedback_late", m.feedback.late),
            }
            for m in charts.months
            for month in [f"{m.month:%Y-%m}"]  # a period name: the month's cases list
        ],
        "closure_wd": [
            {"low_wd": b.low_wd, "high_wd": b.high_wd, **_count(period, unit, b.figure, b.cases)}
            for b in charts.closure
        ],
        "open_steps": [
            {
                "step": o.step,
                "name": names.get(o.step, o.step),
                "case_count": o.cases,
                **_count(period, unit, f"open.{o.step}", o.steps),
            }
            for o in charts.open_steps
        ],
        "ranking": ranking(assessment),
    }


def month_names() -> list[str]:
    return [
        _("1月"),
        _("2月"),
        _("3月"),
        _("4月"),
        _("5月"),
        _("6月"),
        _("7月"),
        _("8月"),
        _("9月"),
        _("10月"),
        _("11月"),
        _("12月"),
    ]


def chart_texts() -> dict[str, Any]:
    """What the charts say, in the reader's language (the script has no texts of its own)."""
    return {
        "months": month_names(),
        "lights_title": _("各单位黄灯、红灯"),
        "lights_axis": _("步骤数"),
        "yellow": _("黄灯数"),
        "red": _("红灯数"),
        "months_title": _("按月按时率"),
        "months_axis": _("按时率"),
        "month_axis": _("月份"),
        "sign_for_rate": _("按时签收率"),
        "feedback_rate": _("按时反馈率"),
        "closure_title": _("办结用时分布"),
        "closure_axis": _("办结用时（工作日）"),
        "cases_axis": _("案件数"),
        "open_title": _("各步骤未办结"),
        "open_axis": _("未办结步骤数"),
        "click_hint": _("点击柱形或数据点查看其中的案件"),
        "no_data": _("本期间没有数据"),
        "failed": _("图表库未能加载：请在项目目录运行 `npm ci`"),
    }
