"""The assessment as JSON (GET /api/assessment) and the links from each figure to the cases
behind it: one shape for the API, the page's links and the charts built on them later."""

from __future__ import annotations

from typing import Any

from flask import url_for

from engine.assessment import Assessment, UnitAssessment
from engine.assessment.accountability import Accountable
from engine.assessment.cases import CaseBehind
from engine.assessment.data_figures import UnitData
from engine.assessment.event_figures import Ratio
from engine.assessment.periods import Period


def cases_links(period: Period, unit: str, figure: str) -> dict[str, Any]:
    """What lists the cases behind a figure: the figure's name, and the API and page URLs."""
    query: dict[str, Any] = {"period": period.name, "unit": unit, "figure": figure}
    return {
        "figure": figure,
        "cases": url_for("api.assessment_cases", **query),
        "page": url_for("assessment.cases", **query),
    }


def _count(period: Period, unit: str, figure: str, value: int) -> dict[str, Any]:
    return {"value": value, **cases_links(period, unit, figure)}


def _ratio(period: Period, unit: str, name: str, ratio: Ratio) -> dict[str, Any]:
    return {
        "value": None if ratio.rate is None else round(ratio.rate, 4),
        "on_time": _count(period, unit, f"{name}_on_time", ratio.on_time),
        "late": _count(period, unit, f"{name}_late", ratio.late),
    }


def unit_json(period: Period, assessed: UnitAssessment) -> dict[str, Any]:
    code, events = assessed.unit, assessed.events
    closure = events.closure

    def count(figure: str, value: int) -> dict[str, Any]:
        return _count(period, code, figure, value)

    return {
        "unit": code,
        "name": assessed.name,
        "data": data_json(assessed.data),
        "score": assessed.score.value,
        "score_parts": assessed.score.parts,
        "events": {
            "received": count("received", events.received),
            "sign_for_on_time_rate": _ratio(period, code, "sign_for", events.sign_for),
            "feedback_on_time_rate": _ratio(period, code, "feedback", events.feedback),
            "returns": {"value": events.returns, **cases_links(period, code, "returned")},
            "returned_cases": count("returned", events.returned_cases),
            "repeated_returns": count("repeated_returns", events.repeated_returns),
            "closure": {
                "closed": count("closed", closure.closed),
                "unclosed": count("unclosed", closure.unclosed),
                "average_wd": closure.average_wd,
                "p90_wd": closure.p90_wd,
                "within_target": closure.within_target,
            },
            "escalations": count("escalations", events.escalations),
            "supervised": count("supervised", events.supervised),
            "steps": [
                {
                    "step": step,
                    **{
                        light: count(f"light.{step}.{light}", getattr(lights, light))
                        for light in ("green", "yellow", "red")
                    },
                }
                for step, lights in events.steps.items()
            ],
        },
    }


WEIGHTS_SOURCE = (
    "权重由局设定：`jtflow assessment weight 名称 数值 --as 用户`（管理员或分管领导），"
    "每次设定留档，最新者生效；未设定的取默认值（README「考核评价」）"
)


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    period = assessment.period
    return {
        "period": period.name,
        "from": period.first_day.isoformat(),
        "until": period.end_day.isoformat(),
        "as_of": assessment.as_of.isoformat(),
        "unit": assessment.unit,
        "weights": {
            "source": WEIGHTS_SOURCE,
            "items": [
                {
                    "name": w.name,
                    "value": w.value,
                    "label": w.label,
                    "set_at": w.set_at.isoformat() if w.set_at else None,
                    "set_by": w.set_by,
                }
                for w in assessment.weights.values()
            ],
        },
        "units": [unit_json(period, u) for u in assessment.units],
    }


def case_json(row: CaseBehind) -> dict[str, Any]:
    return {
        "case_no": row.case_no,
        "title": row.title,
        "urgency": row.urgency,
        "channel": row.channel,
        "reported_at": row.reported_at.isoformat(),
        "unit": row.unit,
        "steps": row.steps,
        "step_through": url_for("audit.first_step", case_no=row.case_no),
    }


def accountable_json(item: Accountable) -> dict[str, Any]:
    """An A3 case with its evidence, each event linked to the case's step-through view."""
    return {
        "clause": item.clause,
        "unit": item.unit,
        "case_no": item.case_no,
        "title": item.title,
        "step": item.step,
        "role": item.role,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "done_at": item.done_at.isoformat() if item.done_at else None,
        "late_wd": item.late_wd,
        "returns": item.returns,
        "step_through": url_for("audit.first_step", case_no=item.case_no),
        "evidence": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "kind": e.kind,
                "element_id": e.element_id,
                "actor": e.actor,
                "step_through": url_for("audit.steps", case_no=item.case_no, k=e.seq),
            }
            for e in item.evidence
        ],
    }


def data_json(data: UnitData | None) -> dict[str, Any] | None:
    """A2 (data-resource management); null where the unit has no data records."""
    if data is None:
        return None
    return {
        "catalogue_entries": data.entries,
        "catalogue_complete": data.complete,
        "catalogue_completeness": _rounded(data.completeness),
        "data_administrator": data.administrator,
        "entries_with_update_deadline": data.with_deadline,
        "entries_overdue": data.overdue,
        "update_timeliness": _rounded(data.timeliness),
        "replies_on_time": data.replies.on_time,
        "replies_late": data.replies.late,
        "replies_on_time_rate": _rounded(data.replies.rate),
        "refusals": data.refusals,
        "refusals_without_reason": data.refusals_without_reason,
        "checks": data.checks,
        "checks_answered": data.checks_answered,
        "checks_on_time": data.checks_on_time,
        "notices": data.notices,
        "late_notices": data.late_notices,
        "knowledge": data.knowledge,
        "late_knowledge": data.late_knowledge,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
