"""A hand-built set of cases whose A1 figures are known, played on the real engine and a
fake clock around National Day 2026 (Oct 1–7 off, Sat Oct 10 worked): a late sign-for that
turned red and was pressed, a reply returned twice, a closure across the holiday, a reply
left overdue and an urgent case whose phone report ran late (催办 and 督办).

All four cases are transferred on Mon 28 September 2026 (period 2026-Q3); the figures are
read as of Tue 20 October 2026 12:00."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.service import CaseRef, Jtflow
from engine.time.clock import SHANGHAI, FakeClock
from tests.factories import report, step


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


AS_OF = at(10, 20, 12)
RETURN = {"accepted": False, "reason": "答复缺少处置情况", "basis": "第五节 5.3.1"}


@dataclass(frozen=True)
class Played:
    late_sign_for: CaseRef  # BUS_GROUP: signed an hour late, red, pressed; closed Oct 9 09:00
    returned_twice: CaseRef  # BUS_GROUP: the center returned the reply twice; closed same day
    overdue_reply: CaseRef  # TRANSPORT_DEV: reply still open past its 10 WD on Oct 20
    urgent: CaseRef  # TRANSPORT_DEV, urgent: phone report late (催办 + 督办), reply overdue


def play(jtflow: Jtflow, clock: FakeClock) -> Played:
    clock.set(at(9, 28, 9))
    late = report(jtflow, facility={"type": "bus_station", "name": "火车站公交场站"})
    step(jtflow, late, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})

    clock.set(at(9, 28, 9, 30))
    twice = report(jtflow, facility={"type": "bus_station", "name": "火车站公交场站"})
    step(jtflow, twice, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    clock.set(at(9, 28, 9, 40))
    step(jtflow, twice, "sign_for")
    for minute in (5, 10):  # two rounds, each returned by the center (E10)
        clock.set(at(9, 28, 10, minute))
        step(jtflow, twice, "handle_reply")
        step(jtflow, twice, "leader_approve")
        step(jtflow, twice, "center_audit", RETURN)
    clock.set(at(9, 28, 11))
    step(jtflow, twice, "handle_reply")
    step(jtflow, twice, "leader_approve")
    step(jtflow, twice, "center_audit")  # accepted: closed 11:00, 1.5 h after the transfer

    clock.set(at(9, 28, 10))
    overdue = report(jtflow)
    step(jtflow, overdue, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    clock.set(at(9, 28, 10, 30))
    step(jtflow, overdue, "sign_for")

    clock.set(at(9, 28, 11))
    urgent = report(jtflow, urgency="urgent")
    step(jtflow, urgent, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    step(jtflow, urgent, "supervise")

    # Tue 29 Sep 10:00: the late sign-for's deadline (09:00) and the urgent phone report's
    # (12:00 the day before) have passed: red, 催办, and 督办 for the urgent one
    clock.set(at(9, 29, 10))
    jtflow.fire_due_timers()
    step(jtflow, late, "sign_for")  # an hour late
    clock.set(at(9, 29, 10, 5))
    step(jtflow, urgent, "sign_for")  # on time (due 11:00), after its yellow warning
    clock.set(at(9, 29, 11))
    step(jtflow, late, "handle_reply")
    step(jtflow, late, "leader_approve")

    # Fri 9 Oct 09:00, across the holiday: the center accepts; 4.0 working days after the
    # transfer (Mon 28 Sep 09:00): 0.625 + Tue + Wed + Thu 8 Oct + 0.375
    clock.set(at(10, 9, 9))
    step(jtflow, late, "center_audit")

    clock.set(AS_OF)
    jtflow.fire_due_timers()  # the open replies' deadlines: red, 催办 (and 督办 if urgent)
    return Played(late, twice, overdue, urgent)
