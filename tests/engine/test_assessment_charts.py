"""The dashboard's series (engine.assessment.charts) on the hand-built cases of
tests/assessment_cases.py, each checked exactly, and the cases behind each bar."""

from __future__ import annotations

import pytest

from engine.assessment import assess
from engine.assessment.cases import cases_behind, check_figure
from engine.assessment.charts import ClosureBin, OpenStep, charts, charts_of
from engine.assessment.event_figures import Ratio
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.errors import InvalidInput
from engine.people.users import get_user
from tests.assessment_cases import AS_OF, Played, play
from tests.conftest import CALENDAR


@pytest.fixture
def played(jtflow, clock) -> Played:  # type: ignore[no-untyped-def]
    return play(jtflow, clock)


def series(jtflow, period="2026-Q3", unit=None):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return charts(db, CALENDAR, Scope(parse_period(period), AS_OF, unit))


def rates(charts):  # type: ignore[no-untyped-def]
    return [(f"{m.month:%Y-%m}", m.sign_for, m.feedback) for m in charts.months]


def behind(jtflow, figure, unit=None, period="2026-Q3"):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        rows = cases_behind(db, CALENDAR, Scope(parse_period(period), AS_OF, unit), figure)
    return sorted((r.case_no, r.unit, r.steps) for r in rows)


def check_charts(jtflow, played: Played) -> None:  # type: ignore[no-untyped-def]
    late, twice = played.late_sign_for.case_no, played.returned_twice.case_no
    overdue, urgent = played.overdue_reply.case_no, played.urgent.case_no
    quarter = series(jtflow)

    # every case reached its unit in September: July and August have no steps to rate
    assert rates(quarter) == [
        ("2026-07", Ratio(), Ratio()),
        ("2026-08", Ratio(), Ratio()),
        # sign-for: BUS_GROUP one late of two, TRANSPORT_DEV two on time; feedback: BUS_GROUP's
        # four rounds on time, TRANSPORT_DEV's two replies open past due
        ("2026-09", Ratio(on_time=3, late=1), Ratio(on_time=4, late=2)),
    ]
    year = rates(series(jtflow, period="2026"))
    assert [m for m, _s, _f in year] == [f"2026-{n:02d}" for n in range(1, 13)]
    assert [m for m, sign_for, _f in year if sign_for.rate is not None] == ["2026-09"]
    assert behind(jtflow, "sign_for_late", period="2026-09") == [(late, "BUS_GROUP", 1)]
    assert behind(jtflow, "sign_for_late", period="2026-08") == []

    # the dashboard's histogram is A1's closure times binned with them: the same bins
    for unit in (None, "BUS_GROUP", "TRANSPORT_DEV"):
        with jtflow.sessions() as db:
            analyst = get_user(db, "c_analyst")
            found = assess(db, CALENDAR, analyst, period="2026-Q3", unit=unit, now=AS_OF)
            assert charts_of(db, CALENDAR, found).closure == series(jtflow, unit=unit).closure

    # closure: 1.5 h (0.0625 WD) and 4.0 WD across National Day, exactly on a bin's edge
    assert quarter.closure == [
        ClosureBin(0, 1, 1),
        ClosureBin(1, 2, 0),
        ClosureBin(2, 3, 0),
        ClosureBin(3, 5, 1),
        ClosureBin(5, 10, 0),
        ClosureBin(10, 20, 0),
        ClosureBin(20, None, 0),
    ]
    assert [b.figure for b in quarter.closure][3::3] == ["closed_wd.3-5", "closed_wd.20-"]
    assert behind(jtflow, "closed_wd.3-5") == [(late, "BUS_GROUP", 1)]
    assert behind(jtflow, "closed_wd.0-1") == [(twice, "BUS_GROUP", 1)]
    assert behind(jtflow, "closed_wd.4-") == [(late, "BUS_GROUP", 1)]  # 4.0 is at least 4
    assert behind(jtflow, "closed_wd.0-4") == [(twice, "BUS_GROUP", 1)]  # and not under 4
    assert behind(jtflow, "closed_wd.20-") == []

    # open as of 20 Oct, among the steps opened in Q3: the two overdue replies, the urgent
    # case's phone report, the 催办 and 督办 its fired deadline opened in September and the
    # archive of the case closed on 28 Sep; the late sign-for's 催办 closed with it (E12)
    assert quarter.open_steps == [
        OpenStep("handle_reply", 2, 2),
        OpenStep("archive", 1, 1),
        OpenStep("oversee", 1, 1),
        OpenStep("phone_report", 1, 1),
        OpenStep("press", 1, 1),
    ]
    assert behind(jtflow, "open.handle_reply") == sorted(
        [(overdue, "TRANSPORT_DEV", 1), (urgent, "TRANSPORT_DEV", 1)]
    )
    assert behind(jtflow, "open.handle_reply", "BUS_GROUP") == []
    assert series(jtflow, unit="TRANSPORT_DEV").open_steps == [
        OpenStep("handle_reply", 2, 2),
        OpenStep("phone_report", 1, 1),
    ]
    assert behind(jtflow, "open.archive") == [(twice, "CENTER", 1)]

    # the lights of every watched step, as A1 counts them per step (test_assessment_figures)
    assert behind(jtflow, "lights.red") == sorted(
        [
            (late, "BUS_GROUP", 1),
            (late, "CENTER", 1),  # its center audit, a working day late (E10, E12)
            (twice, "CENTER", 1),  # its archive, still open (E13, E12)
            (overdue, "TRANSPORT_DEV", 1),
            (urgent, "TRANSPORT_DEV", 2),
            (urgent, "CENTER", 1),  # the 催办 and 督办 past their own deadline (E12)
            (urgent, "BUREAU_OFFICE", 1),
        ]
    )
    assert behind(jtflow, "lights.red", "BUS_GROUP") == [(late, "BUS_GROUP", 1)]
    assert behind(jtflow, "lights.yellow") == [(urgent, "TRANSPORT_DEV", 1)]

    # one unit's series only count that unit's steps
    bus = series(jtflow, unit="BUS_GROUP")
    assert rates(bus)[2] == ("2026-09", Ratio(1, 1), Ratio(4, 0))
    assert [b.cases for b in bus.closure] == [1, 0, 0, 1, 0, 0, 0]
    assert bus.open_steps == []


def test_dashboard_series_of_the_hand_built_cases(jtflow, played):  # type: ignore[no-untyped-def]
    check_charts(jtflow, played)


@pytest.mark.parametrize(
    "figure", ["lights.blue", "open.", "closed_wd.5-3", "closed_wd.3-3", "closed_wd.-5", "open.A"]
)
def test_a_malformed_chart_figure_is_refused(figure):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        check_figure(figure)
