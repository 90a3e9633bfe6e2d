"""The auditor's case search in SQL (engine/record/case_search.py): filters, the current light,
LIKE wildcards taken literally, paging bounds and dates checked."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidInput
from engine.record.case_search import CaseFilter, all_matching, parse_date, search_cases
from tests.factories import report, step


def numbers(jtflow, filters, **kw):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return [row.case.case_no for row in search_cases(session, filters, **kw).rows]


def test_newest_first_paged_and_counted(jtflow, clock):  # type: ignore[no-untyped-def]
    made = []
    for _ in range(3):
        made.append(report(jtflow).case_no)
        clock.advance(minutes=5)
    assert numbers(jtflow, CaseFilter()) == made[::-1]
    with jtflow.sessions() as session:
        page = search_cases(session, CaseFilter(), page=2, per_page=2)
        assert (page.total, page.pages, [r.case.case_no for r in page.rows]) == (3, 2, made[:1])
        assert search_cases(session, CaseFilter(), page=-4, per_page=10_000).per_page == 100
        assert len(all_matching(session, CaseFilter())) == 3


def test_the_light_and_units_of_a_case(jtflow, clock):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    step(jtflow, case, "classify")
    with jtflow.sessions() as session:
        (row,) = search_cases(session, CaseFilter()).rows
    assert row.light == "green" and row.units == ["CENTER", "BUS_GROUP"]
    clock.advance(days=5)
    jtflow.fire_due_timers()
    assert numbers(jtflow, CaseFilter(light="red")) == [case.case_no]
    assert numbers(jtflow, CaseFilter(light="green")) == []


def test_wildcards_are_literal(jtflow):  # type: ignore[no-untyped-def]
    report(jtflow, title="公交站台100%损坏")
    report(jtflow, title="公交站台损坏")
    assert len(numbers(jtflow, CaseFilter(text="100%"))) == 1
    assert numbers(jtflow, CaseFilter(text="_")) == []


def test_bad_filters_say_which_field(jtflow):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as bad:
        parse_date("24/11/2026", "from")
    assert bad.value.errors[0].field == "from"
    with jtflow.sessions() as session, pytest.raises(InvalidInput):
        search_cases(
            session, CaseFilter(reported_from=date(2026, 2, 2), reported_to=date(2026, 2, 1))
        )
    with jtflow.sessions() as session, pytest.raises(InvalidInput):
        search_cases(session, CaseFilter(light="blue"))


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_dates_outside_the_years_a_person_means_are_refused(value):  # type: ignore[no-untyped-def]
    """Year 1 or 9999 would overflow on the way between Xiamen and UTC: refused, said why."""
    with pytest.raises(InvalidInput, match="年份应在 1900 至 2999 之间") as bad:
        parse_date(value, "to")
    assert bad.value.errors[0].field == "to"


def test_the_first_and_last_years_still_search(jtflow):  # type: ignore[no-untyped-def]
    wide = CaseFilter(
        reported_from=parse_date("1900-01-01", "from"), reported_to=date(2999, 12, 31)
    )
    with jtflow.sessions() as session:
        assert search_cases(session, wide).total == 0
