"""The yearly report's month-by-month table on the hand-built cases of
tests/assessment_cases.py (all four transferred on Mon 28 September 2026), and two more
transferred either side of Xiamen's midnight that begins November (October in UTC both)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.assessment.event_figures import Ratio, event_figures
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.assessment.yearly import MonthFigures, month_figures, report_year, yearly_report
from engine.errors import InvalidInput, PermissionDenied
from engine.people.users import get_user
from tests.assessment_cases import AS_OF, Played, at, play
from tests.conftest import CALENDAR
from tests.factories import report, step

LATER = at(11, 2, 12)  # Mon 2 November 2026, noon


def play_months(jtflow, clock) -> Played:  # type: ignore[no-untyped-def]
    cases = play(jtflow, clock)
    # Sat 31 Oct 23:30 (October) and Sun 1 Nov 00:30 (November in Xiamen, 16:30 UTC on
    # 31 Oct): both transferred to the highway center, each signed for Mon 2 Nov 09:00
    late_october, early_november = [], []
    for when, into in ((at(10, 31, 23, 30), late_october), (at(11, 1, 0, 30), early_november)):
        clock.set(when)
        case = report(jtflow)
        step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "HIGHWAY_DEV"})
        into.append(case)
    clock.set(at(11, 2, 9))
    for case in (*late_october, *early_november):
        step(jtflow, case, "sign_for")
    clock.set(LATER)
    return cases


@pytest.fixture
def played(jtflow, clock) -> Played:  # type: ignore[no-untyped-def]
    return play_months(jtflow, clock)


def months_of(jtflow, period="2026", unit=None):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        return month_figures(db, Scope(parse_period(period), LATER, unit))


def test_the_year_month_by_month(jtflow, played):  # type: ignore[no-untyped-def]
    check_months(jtflow)


def check_months(jtflow) -> None:  # type: ignore[no-untyped-def]
    months = months_of(jtflow)
    assert [m.month for m in months] == [date(2026, n, 1) for n in range(1, 13)]
    september, october, november = months[8], months[9], months[10]
    # BUS_GROUP 2 + TRANSPORT_DEV 2; sign-for: one an hour late; feedback: the bus group's
    # four rounds on time, the transport center's two replies open past due; lights: the
    # urgent sign-for's yellow, and red for the late sign-for, two replies, a phone report, and
    # the 催办 and 督办 the phone report's red opened, past their own 2 hours, the late case's
    # center audit and the 28 Sep case's archive, watched too (E12)
    assert september == MonthFigures(
        date(2026, 9, 1), received=4, sign_for=Ratio(3, 1), feedback=Ratio(4, 2), yellow=1, red=8
    )
    # the Xiamen midnight, not UTC's, divides October from November
    assert (october.received, october.sign_for) == (1, Ratio(1, 0))
    assert (november.received, november.sign_for) == (1, Ratio(1, 0))
    quiet = [m for m in months if m not in (september, october, november)]
    assert all(m == MonthFigures(m.month) for m in quiet)


def test_the_months_add_up_to_the_units_table(jtflow, played):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        scope = Scope(parse_period("2026"), LATER)
        units = event_figures(db, CALENDAR, scope, 10).values()
        months = month_figures(db, scope)
    assert sum(m.received for m in months) == sum(u.received for u in units) == 6
    assert sum(m.sign_for.late for m in months) == sum(u.sign_for.late for u in units)
    assert sum(m.feedback.on_time for m in months) == sum(u.feedback.on_time for u in units)
    red = sum(lights.red for u in units for lights in u.steps.values())
    assert sum(m.red for m in months) == red


def test_one_unit_and_a_quarter(jtflow, played):  # type: ignore[no-untyped-def]
    bus = months_of(jtflow, unit="BUS_GROUP")
    assert [m.received for m in bus if m.received] == [2]
    assert bus[8].sign_for == Ratio(1, 1) and bus[8].feedback == Ratio(4, 0)
    quarter = months_of(jtflow, period="2026-Q4")
    assert [(m.month.month, m.received) for m in quarter] == [(10, 1), (11, 1), (12, 0)]


def test_the_report_as_its_reader_may_see_it(jtflow, played):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        whole = yearly_report(db, CALENDAR, get_user(db, "c_analyst"), year=2026, now=AS_OF)
        own = yearly_report(db, CALENDAR, get_user(db, "bus_leader"), year=2026, now=AS_OF)
        with pytest.raises(PermissionDenied):
            yearly_report(db, CALENDAR, get_user(db, "bus_handler"), year=2026, now=AS_OF)
    assert whole.assessment.period.name == "2026" and whole.generated_at == AS_OF
    assert {"BUS_GROUP", "TRANSPORT_DEV"} <= {u.unit for u in whole.assessment.units}
    assert [u.unit for u in own.assessment.units] == ["BUS_GROUP"]
    assert {a.unit for a in own.accountable} == {"BUS_GROUP"}
    assert sum(m.received for m in own.months) == 2


@pytest.mark.parametrize(
    ("written", "year"), [(None, 2026), ("", 2026), (" 2025 ", 2025), ("1999", 1999)]
)
def test_the_year_asked_for(written, year):  # type: ignore[no-untyped-def]
    assert report_year(written, AS_OF) == year


@pytest.mark.parametrize("written", ["26", "2026-Q4", "二〇二六", "２０２６", "2027", "0999", "x"])
def test_a_year_that_is_not_one_says_how_to_write_it(written):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as raised:
        report_year(written, AS_OF)
    assert "年份" in str(raised.value) and raised.value.errors[0].field == "year"
