"""A2 from the data processes' records: the catalogue, sharing replies within 10 WD,
refusals, 校核 — and nothing for a unit without records (never invented)."""

from __future__ import annotations

from engine import sharing
from engine.assessment.accountability import accountability
from engine.assessment.data_figures import data_figures
from engine.assessment.event_figures import Ratio
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.catalogue_demo import register_administrators
from tests.assessment_cases import AS_OF, at
from tests.conftest import CALENDAR
from tests.factories import SHARING_REQUEST, grant_of, resource, step
from tests.knowledge import policy_change, published
from tests.notices import FAULT, UPGRADE, notify

REQUESTER = "highway_handler"


def test_a2_of_a_provider_from_its_records(jtflow, clock):  # type: ignore[no-untyped-def]
    check_a2(jtflow, clock)


def check_a2(jtflow, clock) -> None:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        register_administrators(db, clock.now())
        db.commit()
    conditional = resource(jtflow)  # published, every D1 field, refreshed in real time
    resource(jtflow, status="draft", name="草稿资源")  # not published: incomplete
    open_data = resource(jtflow, share_type="unconditional", name="公开资源")
    refused = sharing.request_sharing(jtflow, conditional, SHARING_REQUEST, requester=REQUESTER)
    sharing.request_sharing(jtflow, conditional, SHARING_REQUEST, requester=REQUESTER)  # left
    granted = sharing.request_sharing(jtflow, open_data, SHARING_REQUEST, requester=REQUESTER)
    clock.set(at(9, 29, 10))
    step(jtflow, refused, "reply", {"agree": False, "reason": "涉及个人信息。"})  # in time
    grant = grant_of(jtflow, granted)
    assert grant is not None
    check = sharing.request_check(jtflow, grant.id, "到站时间与实际不符。", requester=REQUESTER)
    step(jtflow, check, "check_data", {"finding": "correct", "explanation": "已比对。"})
    # the second request's reply stays open past its 10 WD

    with jtflow.sessions() as db:
        figures = data_figures(db, CALENDAR, Scope(parse_period("2026-Q3"), AS_OF))
    bus = figures["BUS_GROUP"]
    assert (bus.entries, bus.complete, bus.administrator) == (3, 2, True)
    assert round(bus.completeness or 0, 4) == 0.6667
    assert (bus.with_deadline, bus.overdue, bus.timeliness) == (2, 2, 0.0)  # real-time, stale
    assert bus.replies == Ratio(on_time=1, late=1)
    assert (bus.refusals, bus.refusals_without_reason) == (1, 0)
    assert (bus.checks, bus.checks_answered, bus.checks_on_time) == (1, 1, 1)
    assert set(figures) == {"BUS_GROUP"}  # the requester has no provider records: nothing
    with jtflow.sessions() as db:
        october = data_figures(db, CALENDAR, Scope(parse_period("2026-10"), AS_OF))
    assert october["BUS_GROUP"].replies == Ratio() and october["BUS_GROUP"].checks == 0


def test_a4_lists_the_provider_answer_left_past_its_deadline(jtflow, clock):  # type: ignore[no-untyped-def]
    """第五节1 (2) 故意拖延提供: the request left unanswered; the refusal with a reason and
    the 校核 answered in time are not listed."""
    check_a2(jtflow, clock)
    with jtflow.sessions() as db:
        found = accountability(db, CALENDAR, Scope(parse_period("2026-Q3"), AS_OF), 5)
    assert [(a.clause, a.unit, a.step, a.done_at) for a in found] == [
        ("1(2)", "BUS_GROUP", "reply", None)
    ]
    # due Fri 16 Oct 09:00 (10 WD from Mon 28 Sep, across the holiday); 15 h + Mon + 12 h
    assert found[0].late_wd == 2.12
    assert [e.kind for e in found[0].evidence][0] == "task_created"


def test_a2_counts_a_units_interface_notices_and_the_late_ones(jtflow, clock):  # type: ignore[no-untyped-def]
    """O1, O3: a fault notified in time and an upgrade stop announced only a day ahead, both
    filed in Q3 by 公交集团; nothing in October."""
    notify(jtflow, FAULT, discovered_at="2026-09-28T08:00:00+08:00")
    notify(
        jtflow,
        UPGRADE,
        stop_at="2026-09-29T20:00:00+08:00",
        planned_resume="2026-09-30T06:00:00+08:00",
    )
    with jtflow.sessions() as db:
        figures = data_figures(db, CALENDAR, Scope(parse_period("2026-Q3"), AS_OF))
        october = data_figures(db, CALENDAR, Scope(parse_period("2026-10"), AS_OF))
    assert (figures["BUS_GROUP"].notices, figures["BUS_GROUP"].late_notices) == (2, 1)
    assert (october["BUS_GROUP"].notices, october["BUS_GROUP"].late_notices) == (0, 0)


def test_a2_counts_a_units_new_knowledge_due_and_the_late_ones(jtflow, clock):  # type: ignore[no-untyped-def]
    """O2: three changes registered for 市运输事业发展中心 in Q3 (Mon 28 Sep): one submitted at
    once, one changed on 14 Sep and so already past its 5 WD, one open and still in time;
    as of 20 Oct the open one is late too. Nothing registered in October."""
    published(jtflow, policy_change(jtflow, "2026-09-28T08:00:00+08:00"))
    policy_change(jtflow, "2026-09-14T09:00:00+08:00")
    policy_change(jtflow, "2026-09-28T08:30:00+08:00")
    with jtflow.sessions() as db:
        then = Scope(parse_period("2026-Q3"), at(9, 28, 12))
        figures = data_figures(db, CALENDAR, then)["TRANSPORT_DEV"]
        assert (figures.knowledge, figures.late_knowledge) == (3, 1)
        later = data_figures(db, CALENDAR, Scope(parse_period("2026-Q3"), AS_OF))
        assert (later["TRANSPORT_DEV"].knowledge, later["TRANSPORT_DEV"].late_knowledge) == (3, 2)
        october = data_figures(db, CALENDAR, Scope(parse_period("2026-10"), AS_OF))
        assert "TRANSPORT_DEV" not in october or october["TRANSPORT_DEV"].knowledge == 0
