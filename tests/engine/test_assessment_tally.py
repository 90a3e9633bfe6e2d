"""A1's running totals (engine/assessment/tally.py): whatever has been tallied, the figures
are those of counting every task live; a task is counted once however often it is tallied
or written; the first count after an upgrade counts everything."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

import engine.assessment.event_figures as event_figures_module
import engine.assessment.yearly as yearly_module
from engine.assessment.event_figures import event_figures
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.assessment.yearly import month_figures
from engine.models import AssessmentCase, AssessmentMark, AssessmentTally, Task
from engine.service import Jtflow
from tests.assessment_cases import AS_OF, RETURN, at, play
from tests.conftest import CALENDAR
from tests.factories import report, step

PERIODS = ("2026-Q3", "2026", "2026-09", "2026-10")


def figures(jtflow: Jtflow) -> dict[str, Any]:
    """Every period's A1 figures and months, as the page reads them."""
    found = {}
    with jtflow.sessions() as db:
        for period in PERIODS:
            scope = Scope(parse_period(period), AS_OF)
            units = event_figures(db, CALENDAR, scope, 10)
            found[period] = (
                {code: asdict(unit) for code, unit in units.items()},
                [asdict(month) for month in month_figures(db, scope)],
            )
    return found


def counted_live(jtflow: Jtflow, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The figures with nothing tallied: every task counted live, as before the totals."""
    engine = jtflow.sessions.kw["bind"]
    with engine.begin() as connection:
        connection.execute(delete(AssessmentTally))
        connection.execute(delete(AssessmentMark))
        connection.execute(delete(AssessmentCase))
        connection.execute(update(Task).values(tallied=False))
    with monkeypatch.context() as patched:
        for module in (event_figures_module, yearly_module):
            patched.setattr(module, "refresh", lambda *args: None)
        return figures(jtflow)


def totals(jtflow: Jtflow) -> tuple[int, int, int]:
    with jtflow.sessions() as db:
        return (
            db.scalar(select(func.sum(AssessmentTally.tasks))) or 0,
            db.scalar(select(func.count()).select_from(AssessmentMark)) or 0,
            db.scalar(select(func.count()).where(Task.tallied.is_(True))) or 0,
        )


def test_the_totals_give_the_figures_of_counting_every_task(jtflow, clock, monkeypatch):  # type: ignore[no-untyped-def]
    play(jtflow, clock)
    live = counted_live(jtflow, monkeypatch)
    assert live["2026-Q3"][0]["BUS_GROUP"]["received"] == 2  # the cases are there
    assert figures(jtflow) == live  # the first read counted everything into the totals
    done, marks, flagged = totals(jtflow)
    assert done > 0 and marks > 0 and flagged > 0
    assert figures(jtflow) == live  # read again: nothing counted twice
    assert totals(jtflow) == (done, marks, flagged)


def test_steps_taken_between_reads_are_counted_once(jtflow, clock, monkeypatch):  # type: ignore[no-untyped-def]
    """A read between every step of a case: each done task enters the totals once, a closing
    step counted as it opens is not counted again when it is done, and the figures always
    equal counting live."""
    clock.set(at(9, 28, 9))
    case = report(jtflow, facility={"type": "bus_station", "name": "火车站公交场站"})
    steps: list[tuple[str, dict[str, Any] | None]] = [
        ("classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"}),
        ("sign_for", None),
        ("handle_reply", None),
        ("leader_approve", None),
        ("center_audit", RETURN),  # returned once (E10)
        ("handle_reply", None),
        ("leader_approve", None),
        ("center_audit", None),
    ]
    figures(jtflow)
    for element_id, answer in steps:
        clock.advance(hours=3)
        step(jtflow, case, element_id, answer)
        tallied = figures(jtflow)
        assert tallied == counted_live(jtflow, monkeypatch), element_id
    with jtflow.sessions() as db:
        closers = db.scalars(
            select(Task.element_id).where(Task.instance_id == case.case_id, Task.state == "open")
        ).all()
    for closer in closers:  # the archive or revisit: counted at its opening, then done
        clock.advance(hours=1)
        step(jtflow, case, closer)
        assert figures(jtflow) == counted_live(jtflow, monkeypatch), closer
    with jtflow.sessions() as db:
        marked = db.scalars(
            select(AssessmentMark.task_id).where(AssessmentMark.instance_id == case.case_id)
        ).all()
    assert len(marked) == len(set(marked))
