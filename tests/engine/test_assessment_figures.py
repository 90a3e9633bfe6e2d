"""A1 on the hand-built cases of tests/assessment_cases.py, each figure checked exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.assessment import assess
from engine.assessment.cases import cases_behind
from engine.assessment.event_figures import Closure, Lights, Ratio, event_figures
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.assessment.weights import set_weight
from engine.models import Task
from engine.people.users import get_user
from tests.assessment_cases import AS_OF, Played, play
from tests.conftest import CALENDAR


@pytest.fixture
def played(jtflow, clock) -> Played:  # type: ignore[no-untyped-def]
    return play(jtflow, clock)


def figures_of(jtflow, period="2026-Q3", unit=None):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return event_figures(db, CALENDAR, Scope(parse_period(period), AS_OF, unit), 10)


def behind(jtflow, figure, unit=None, period="2026-Q3"):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        rows = cases_behind(db, CALENDAR, Scope(parse_period(period), AS_OF, unit), figure)
    return sorted((r.case_no, r.unit, r.steps) for r in rows)


def check_a1(jtflow, played: Played) -> None:  # type: ignore[no-untyped-def]
    figures = figures_of(jtflow)
    bus, transport = figures["BUS_GROUP"], figures["TRANSPORT_DEV"]

    assert bus.received == 2
    assert bus.sign_for == Ratio(on_time=1, late=1)
    assert bus.feedback == Ratio(on_time=4, late=0)  # three rounds of one reply, one of another
    assert bus.steps == {
        "sign_for": Lights(1, 0, 1),
        "handle_reply": Lights(4, 0, 0),
        "leader_approve": Lights(4, 0, 0),  # watched too (E9, E12), each approved in time
    }
    assert (bus.returns, bus.returned_cases, bus.repeated_returns) == (2, 1, 1)
    # 4.0 WD across National Day and 0.0625 WD (1.5 h); nearest-rank p90 of two is the larger
    # binned 0–1 and 3–5 WD (4.0 exactly on an edge counts in the bin it starts)
    assert bus.closure == Closure(
        closed=2,
        unclosed=0,
        average_wd=2.03,
        p90_wd=4.0,
        within_target=2,
        bins=(1, 0, 0, 1, 0, 0, 0),
    )
    assert (bus.escalations, bus.supervised) == (1, 0)

    assert transport.received == 2
    assert transport.sign_for == Ratio(on_time=2, late=0)
    assert transport.feedback == Ratio(on_time=0, late=2)  # both replies open past due
    assert transport.steps == {
        "sign_for": Lights(1, 1, 0),  # the urgent one signed after its warning
        "handle_reply": Lights(0, 0, 2),
        "phone_report": Lights(0, 0, 1),
    }
    assert (transport.returns, transport.returned_cases, transport.repeated_returns) == (0, 0, 0)
    assert transport.closure == Closure(
        closed=0, unclosed=2, within_target=0, bins=(0, 0, 0, 0, 0, 0, 0)
    )
    assert (transport.escalations, transport.supervised) == (3, 2)

    # the center's 催办 are watched too (E12): the late sign-for's closed with it while green,
    # the urgent phone report's ran past its own 2 hours; the office's 督办 likewise
    # and the center's audit (the late case's, on 9 Oct, was a working day late) and the
    # archive of the case closed on 28 Sep; the office's 督办 steps likewise
    assert figures["CENTER"].steps == {
        "classify": Lights(4, 0, 0),
        "press": Lights(1, 0, 1),
        "center_audit": Lights(3, 0, 1),
        "archive": Lights(0, 0, 1),
    }
    assert figures["CENTER"].escalations == 0  # its own steps' red opens no 催办
    assert figures["BUREAU_OFFICE"].steps == {
        "oversee": Lights(0, 0, 1),
        "supervise": Lights(1, 0, 0),
    }
    assert figures["CENTER"].received == 0
    october = figures_of(jtflow, period="2026-10")  # only the center's and the office's work:
    assert set(october) == {"BUREAU_OFFICE", "CENTER"}  # 催办, 督办, archive opened in October
    assert all(f.received == 0 for f in october.values())
    assert october["CENTER"].steps == {  # watched (E12)
        "press": Lights(2, 0, 0),
        "archive": Lights(0, 0, 1),
    }
    assert october["BUREAU_OFFICE"].steps == {"oversee": Lights(1, 0, 0)}
    assert list(figures_of(jtflow, unit="BUS_GROUP")) == ["BUS_GROUP"]

    # the cases behind the figures
    late, twice = played.late_sign_for.case_no, played.returned_twice.case_no
    overdue, urgent = played.overdue_reply.case_no, played.urgent.case_no
    assert behind(jtflow, "sign_for_late") == [(late, "BUS_GROUP", 1)]
    assert behind(jtflow, "received", "BUS_GROUP") == sorted(
        [(late, "BUS_GROUP", 1), (twice, "BUS_GROUP", 1)]
    )
    assert behind(jtflow, "repeated_returns") == [(twice, "BUS_GROUP", 2)]
    assert behind(jtflow, "returned") == [(twice, "BUS_GROUP", 2)]
    assert behind(jtflow, "light.sign_for.yellow") == [(urgent, "TRANSPORT_DEV", 1)]
    assert behind(jtflow, "light.handle_reply.red", "TRANSPORT_DEV") == sorted(
        [(overdue, "TRANSPORT_DEV", 1), (urgent, "TRANSPORT_DEV", 1)]
    )
    assert behind(jtflow, "feedback_on_time", "BUS_GROUP") == sorted(
        [(late, "BUS_GROUP", 1), (twice, "BUS_GROUP", 3)]
    )
    assert behind(jtflow, "supervised") == [(urgent, "TRANSPORT_DEV", 2)]
    assert behind(jtflow, "escalations", "BUS_GROUP") == [(late, "BUS_GROUP", 1)]
    assert behind(jtflow, "closed") == sorted([(late, "BUS_GROUP", 1), (twice, "BUS_GROUP", 1)])
    assert behind(jtflow, "unclosed") == sorted(
        [(overdue, "TRANSPORT_DEV", 1), (urgent, "TRANSPORT_DEV", 1)]
    )


def test_a1_figures_of_the_hand_built_cases(jtflow, played):  # type: ignore[no-untyped-def]
    check_a1(jtflow, played)


def test_every_escalation_counted_opened_a_press_and_each_urgent_one_an_oversight(jtflow, played):  # type: ignore[no-untyped-def]
    """The escalations A1 counts from the fired deadlines are the 催办 and 督办 the diagram
    opened (E7, E12)."""
    with jtflow.sessions() as db:
        opened = {
            element: count
            for element, count in db.execute(
                select(Task.element_id, func.count())
                .where(Task.element_id.in_(["press", "oversee"]))
                .group_by(Task.element_id)
            )
        }
    figures = figures_of(jtflow)
    assert opened["press"] == sum(f.escalations for f in figures.values()) == 4
    assert opened["oversee"] == sum(f.supervised for f in figures.values()) == 2


def test_the_score_weighs_each_indicator_as_the_bureau_set_it(jtflow, played):  # type: ignore[no-untyped-def]
    """BUS_GROUP: sign-for 1/2, feedback 4/4, no yellow 10/10, no red 9/10 (its leader's four
    approvals are watched too), never returned 1/2,
    not returned twice 1/2, not pressed 1 − 1/2, closed within 10 WD 2/2."""
    with jtflow.sessions() as db:
        analyst = get_user(db, "c_analyst")
        found = assess(db, CALENDAR, analyst, period="2026-Q3", now=AS_OF)
        bus = next(u for u in found.units if u.unit == "BUS_GROUP")
        # (7.5 + 25 + 5 + 9/10 of 10 + 12.5 + 5 + 5 + 5 + 10) / 100: 10 lit steps, 1 red
        assert bus.score.value == 76.0
        set_weight(db, "feedback_on_time", 0, by="admin", now=AS_OF)
        set_weight(db, "closure_target_wd", 3, by="admin", now=AS_OF)  # 4.0 WD: too long
        db.commit()
        again = assess(db, CALENDAR, analyst, period="2026-Q3", now=AS_OF)
    bus = next(u for u in again.units if u.unit == "BUS_GROUP")
    assert bus.events.closure.within_target == 1
    assert bus.score.value == 61.3  # as above without feedback's 25, closure 1/2: 46 / 75
    assert next(u for u in again.units if u.unit == "HIGHWAY_DEV").score.value is None
