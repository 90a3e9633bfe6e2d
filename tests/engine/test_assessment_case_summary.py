"""A1's cases per unit from `assessment_case` (engine/assessment/case_summary.py): at every
step of a case, tallied or not, the rows say what the task rows say — counted here in Python
the way the figures were counted before the summary (per mark, regrouped) — and the figures
and the cases behind them are those of counting every task live.

Besides the hand-built cases, a case refused by its unit and transferred back to the same
unit across a month's end (so it reached the unit twice, in two periods), a case passed on to
the fallback unit (received but not handled), and one still waiting to be signed for."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

import engine.assessment.event_figures as event_figures_module
import engine.assessment.scope as s
import engine.assessment.yearly as yearly_module
from engine.assessment.case_summary import case_rows
from engine.assessment.cases import cases_behind
from engine.assessment.event_figures import event_figures
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.assessment.tally import live_marks, refresh
from engine.assessment.yearly import month_figures
from engine.models import (
    AssessmentCase,
    AssessmentMark,
    AssessmentTally,
    Instance,
    Task,
)
from engine.service import CaseRef, Jtflow
from engine.time.clock import SHANGHAI, UTC
from tests.assessment_cases import RETURN, at, play
from tests.conftest import CALENDAR
from tests.factories import report, step

AS_OF = at(11, 10, 12)
PERIODS = ("2026-Q3", "2026-10", "2026-11", "2026-Q4", "2026")
UNITS = (None, "METRO_BRT", "BUS_GROUP", "TRANSPORT_DEV")
CASE_FIGURES = (
    "received",
    "returned",
    "repeated_returns",
    "closed",
    "unclosed",
    "closed_wd.0-1",
    "closed_wd.3-5",
    "closed_wd.20-",
)
Row = tuple[str, int, datetime, bool, int, datetime | None]


def summary_rows(jtflow: Jtflow, period: str, unit: str | None) -> list[Row]:
    """What the case figures read: the summary rows and the open steps' marks."""
    cases = case_rows(Scope(parse_period(period), AS_OF, unit), live_marks())
    with jtflow.sessions() as db:
        found = db.execute(select(cases)).all()
    return sorted(
        (u, i, _utc(r), bool(h), int(n), None if c is None else _utc(c))
        for u, i, r, h, n, c in found
    )


def day(instant: datetime) -> Any:
    """The Xiamen day of an instant."""
    return instant.astimezone(SHANGHAI).date()


def _utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite hands back a computed instant as its stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def counted_in_python(jtflow: Jtflow, period: str, unit: str | None) -> list[Row]:
    """The same, from every task row: a unit's 签收 not cancelled is a receipt (the earliest
    in the period counts), any reply of its is handling, the case's returned audits and its
    first closing step are the case's."""
    bounds = parse_period(period)
    with jtflow.sessions() as db:
        tasks = db.execute(
            select(Task.instance_id, Task.unit_code, Task.element_id, Task.state, Task.created_at)
            .add_columns(Task.data)
            .join(Instance, Instance.id == Task.instance_id)
            .where(Instance.channel.in_(s.EVENT_CHANNELS))
        ).all()
    received: dict[tuple[str, int], datetime] = {}
    handled, returns, closed = set(), {}, {}
    for case, code, element, state, created, data in tasks:
        if element == s.SIGN_FOR and state != "cancelled":
            if bounds.start <= created < bounds.end and unit in (None, code):
                key = (code, case)
                received[key] = min(received.get(key, created), created)
        elif element == "handle_reply":
            handled.add((code, case))
        elif element in s.CLOSED_BY:
            closed[case] = min(closed.get(case, created), created)
        if element == s.CENTER_AUDIT and state == "completed" and (data or {})["accepted"] is False:
            returns[case] = returns.get(case, 0) + 1
    return sorted(
        (code, case, when, (code, case) in handled, returns.get(case, 0), closed.get(case))
        for (code, case), when in received.items()
    )


def check_rows(jtflow: Jtflow, label: str) -> None:
    """The rows before the next read tallies what changed, and after."""
    for tallied in (False, True):
        if tallied:
            refresh(jtflow.sessions.kw["bind"], AS_OF)
        for period in PERIODS:
            for unit in UNITS:
                assert summary_rows(jtflow, period, unit) == counted_in_python(
                    jtflow, period, unit
                ), (label, tallied, period, unit)


def transfer(jtflow: Jtflow, **lead: str) -> CaseRef:
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", **lead})
    return case


def play_again(jtflow: Jtflow, clock: Any) -> dict[str, CaseRef]:
    """The hand-built cases, then three more (the module's text), checked at every step."""
    play(jtflow, clock)
    check_rows(jtflow, "hand-built")
    clock.set(at(10, 30, 9))  # Fri 30 Oct: METRO_BRT refuses it; no fallback unit
    again = transfer(jtflow, lead_unit="METRO_BRT")
    clock.set(at(10, 30, 10))
    step(jtflow, again, "sign_for", {"accept": False, "reason": "非 BRT 场站"})
    check_rows(jtflow, "refused")
    clock.set(at(11, 2, 9))  # Mon 2 Nov: the center gives it back to METRO_BRT
    step(jtflow, again, "retransfer", {"new_unit": "METRO_BRT"})
    check_rows(jtflow, "received again, open")
    clock.set(at(11, 2, 10))
    step(jtflow, again, "sign_for")
    for answer in (RETURN, RETURN, None):  # returned twice, then closed
        step(jtflow, again, "handle_reply")
        step(jtflow, again, "leader_approve")
        step(jtflow, again, "center_audit", answer)
        check_rows(jtflow, f"audited {answer}")
    clock.set(at(11, 3, 9))  # Tue 3 Nov: BUS_GROUP passes it on to its fallback unit
    passed = transfer(jtflow, lead_unit="BUS_GROUP", fallback_unit="TRANSPORT_DEV")
    step(jtflow, passed, "sign_for", {"accept": False, "reason": "该站点已移交运输事业发展中心"})
    step(jtflow, passed, "sign_for")
    step(jtflow, passed, "handle_reply")
    check_rows(jtflow, "passed on")
    clock.set(at(11, 4, 9))
    waiting = transfer(jtflow, lead_unit="METRO_BRT")
    clock.set(AS_OF)
    jtflow.fire_due_timers()
    check_rows(jtflow, "as of")
    return {"again": again, "passed": passed, "waiting": waiting}


def test_the_rows_say_what_the_tasks_say_at_every_step(jtflow, clock):  # type: ignore[no-untyped-def]
    played = play_again(jtflow, clock)
    again, waiting = played["again"].case_id, played["waiting"].case_id

    def days(period: str) -> list[tuple[int, Any, bool, int, Any]]:
        return [
            (case, day(received), handled, returns, closed and day(closed))
            for _unit, case, received, handled, returns, closed in summary_rows(
                jtflow, period, "METRO_BRT"
            )
        ]

    # reached METRO_BRT on 30 Oct and again on 2 Nov, returned twice and closed on 2 Nov: in
    # each month from its receipt there, and in the quarter from the first
    oct30, nov2, nov4 = at(10, 30, 9).date(), at(11, 2, 9).date(), at(11, 4, 9).date()
    assert days("2026-10") == [(again, oct30, True, 2, nov2)]
    assert days("2026-11") == [(again, nov2, True, 2, nov2), (waiting, nov4, False, 0, None)]
    assert days("2026-Q4") == [(again, oct30, True, 2, nov2), (waiting, nov4, False, 0, None)]
    with jtflow.sessions() as db:
        stored = db.execute(
            select(AssessmentCase.unit_code, AssessmentCase.handled).where(
                AssessmentCase.instance_id == played["passed"].case_id
            )
        ).all()
    assert sorted(stored) == [("BUS_GROUP", False), ("TRANSPORT_DEV", True)]


def figures(jtflow: Jtflow) -> dict[str, Any]:
    """Every period's A1 figures, months and the cases behind the case figures."""
    found = {}
    with jtflow.sessions() as db:
        for period in PERIODS:
            for unit in UNITS:
                scope = Scope(parse_period(period), AS_OF, unit)
                found[f"{period} {unit}"] = (
                    {code: asdict(u) for code, u in event_figures(db, CALENDAR, scope, 3).items()},
                    [asdict(month) for month in month_figures(db, scope)],
                    {f: cases_behind(db, CALENDAR, scope, f) for f in CASE_FIGURES},
                )
    return found


def test_the_summary_gives_the_figures_and_lists_of_counting_every_task(jtflow, clock, monkeypatch):  # type: ignore[no-untyped-def]
    play_again(jtflow, clock)
    tallied = figures(jtflow)
    metro = tallied["2026-Q4 None"][0]["METRO_BRT"]
    assert (metro["received"], metro["returns"], metro["repeated_returns"]) == (2, 2, 1)
    assert [c.steps for c in tallied["2026-11 METRO_BRT"][2]["repeated_returns"]] == [2]
    with jtflow.sessions.kw["bind"].begin() as connection:
        for table in (AssessmentTally, AssessmentMark, AssessmentCase):
            connection.execute(delete(table))
        connection.execute(update(Task).values(tallied=False))
    with monkeypatch.context() as patched:
        for module in (event_figures_module, yearly_module):
            patched.setattr(module, "refresh", lambda *args: None)
        live = figures(jtflow)
    assert live == tallied
    assert figures(jtflow) == tallied  # the first read counted everything again


def test_a_case_received_before_and_after_a_period_only_is_not_in_it(jtflow, clock):  # type: ignore[no-untyped-def]
    """Received in September and again in November: not a case of October."""
    clock.set(at(9, 30, 9))
    case = transfer(jtflow, lead_unit="METRO_BRT")
    step(jtflow, case, "sign_for", {"accept": False, "reason": "非 BRT 场站"})
    clock.set(at(11, 2, 9))
    step(jtflow, case, "retransfer", {"new_unit": "METRO_BRT"})
    step(jtflow, case, "sign_for")
    refresh(jtflow.sessions.kw["bind"], AS_OF)
    assert summary_rows(jtflow, "2026-10", None) == []
    assert [day(r[2]) for r in summary_rows(jtflow, "2026-Q4", None)] == [at(11, 2, 9).date()]
    assert [day(r[2]) for r in summary_rows(jtflow, "2026", None)] == [at(9, 30, 9).date()]
