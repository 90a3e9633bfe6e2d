"""`jtflow demo`'s sharing requests (D3–D7), made from the demo catalogue at every stage:
granted at once (unconditional), awaiting the provider's reply (green, yellow and red with its
催办), refused and under negotiation, with 局领导 coordinating, granted after review, revoked,
and a 校核 open. Played on the demo's fake clock, each step by the user who holds it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from . import sharing
from .data import grants
from .models import Resource, Task
from .people.reference import HANDLING_UNITS
from .service import CaseRef, Jtflow
from .time.clock import FakeClock

# Providers whose people are demo users (a 单位领导 to answer, a 数据资源管理员 to check).
PROVIDERS = HANDLING_UNITS
REQUESTERS = {  # a requesting unit's 办理人, never the provider itself
    "HIGHWAY_DEV": "highway_handler",
    "TRANSPORT_DEV": "transport_handler",
    "ROAD_BRIDGE": "roadbridge_handler",
}
ANSWERS: dict[str, dict[str, Any]] = {
    "reply": {"agree": True, "opinion": "同意按申请范围提供，请遵守保密要求。"},
    "center_review": {"review_opinion": "答复要素齐全，予以备案。"},
    "negotiate_request": {
        "pursue": True,
        "need": "履行行业监管职责须使用该数据。",
        "proposal": "只提供脱敏后的汇总数据。",
    },
    "negotiate_answer": {"agreed": False, "outcome": "对脱敏方式和范围未能达成一致。"},
    "coordinate": {"share": True, "coordination": "按汇总、脱敏方式共享，限内部使用。"},
    "file_outcome": {"filing_note": "协调结果已备案。"},
    "press": {"press_method": "phone", "press_note": "已电话催办提供部门。"},
}
REFUSE = {"agree": False, "reason": "涉及乘客个人信息，须脱敏后方可提供。"}


def seed_sharing(jtflow: Jtflow, processes_dir: Path) -> Iterator[str]:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock), "the demo plays on a fake clock"
    now = clock.now()
    jtflow.deploy(processes_dir / f"{sharing.PROCESS}.bpmn", "demo")
    with jtflow.sessions() as session:
        published = list(
            session.scalars(
                select(Resource)
                .where(Resource.status == "published", Resource.provider_unit.in_(PROVIDERS))
                .order_by(Resource.id)
            )
        )
    free = [r for r in published if r.share_type == "unconditional"]
    held = [r for r in published if r.share_type == "conditional"]
    if len(free) < 3 or len(held) < 7:
        yield "演示共享申请：资源目录中可申请的资源不足，未生成（请先生成演示目录）"
        return
    made: list[str] = []

    def request(resource: Resource, at: datetime, number: int) -> CaseRef:
        clock.set(at)
        requester = next(u for unit, u in REQUESTERS.items() if unit != resource.provider_unit)
        mode = resource.share_modes[0]
        form = {
            "purpose": "行业运行监测与分析",
            "scope": f"2026 年全市范围（第 {number} 号申请）",
            "data_items": ["全部字段"],
            "service_mode": mode,
        }
        case = sharing.request_sharing(jtflow, resource.id, form, requester=requester)
        made.append(case.case_no)
        return case

    granted = request(free[0], now - timedelta(days=20), 1)  # D3: granted at once
    request(free[1], now - timedelta(days=3), 2)
    revoked = request(free[2], now - timedelta(days=15), 3)
    _revoke(jtflow, revoked, now - timedelta(days=2))
    request(held[0], now - timedelta(hours=5), 4)  # awaiting its reply: green
    request(held[1], _start_for(jtflow, now, light="yellow"), 5)
    red = request(held[2], _start_for(jtflow, now, light="red"), 6)
    refused = request(held[3], now - timedelta(days=6), 7)  # refused → negotiation open
    _play(jtflow, refused, now - timedelta(days=5), [("reply", REFUSE), ("center_review", None)])
    leader = request(held[4], now - timedelta(days=9), 8)  # negotiation failed → 局领导
    _play(
        jtflow,
        leader,
        now - timedelta(days=8),
        [("reply", REFUSE), ("center_review", None), ("negotiate_request", None)]
        + [("negotiate_answer", None)],
    )
    agreed = request(held[5], now - timedelta(days=10), 9)  # agreed, filed, granted
    _play(jtflow, agreed, now - timedelta(days=7), [("reply", None), ("center_review", None)])
    coordinated = request(held[6], now - timedelta(days=14), 10)  # granted by coordination
    _play(
        jtflow,
        coordinated,
        now - timedelta(days=12),
        [("reply", REFUSE), ("center_review", None), ("negotiate_request", None)]
        + [("negotiate_answer", None), ("coordinate", None), ("file_outcome", None)],
    )
    clock.set(now - timedelta(days=1))  # 校核 of the grant made at once, still open
    with jtflow.sessions() as session:
        grant = grants.grant_of_case(session, granted.case_id)
        assert grant is not None
        requester = str((jtflow.case(granted.case_id).facts or {})["reporter"])
    check = sharing.request_check(
        jtflow, grant.id, "部分站点坐标与实际位置不符。", requester=requester
    )
    made.append(check.case_no)
    clock.set(now)
    fired = jtflow.fire_due_timers()
    _press(jtflow, red)
    yield f"演示共享申请：{len(made)} 个，处于各个阶段（已触发到期计时器 {fired} 个）"


def _start_for(jtflow: Jtflow, now: datetime, *, light: str) -> datetime:
    """A receipt instant whose 10-working-day reply is yellow (past 80%) or red by `now`."""
    calendar = jtflow.runtime.functions.calendar
    start = now - timedelta(days=1)
    while True:
        due = calendar.add_working_days(start, 10).at
        warn = calendar.warn_instant(start, due, 0.8).at
        if (light == "yellow" and warn < now < due) or (light == "red" and due < now):
            return start
        start -= timedelta(hours=12)


def _play(
    jtflow: Jtflow, case: CaseRef, at: datetime, steps: list[tuple[str, dict[str, Any] | None]]
) -> None:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    clock.set(at)
    for element_id, answer in steps:
        task = open_task(jtflow, case, element_id)
        jtflow.complete(task.id, answer or ANSWERS[element_id], holder_of(jtflow, task))
        clock.advance(hours=6)


def _press(jtflow: Jtflow, case: CaseRef) -> None:
    """The red reply's 催办 done by the center; the reply itself stays open and red."""
    task = open_task(jtflow, case, "press")
    jtflow.complete(task.id, ANSWERS["press"], holder_of(jtflow, task))


def _revoke(jtflow: Jtflow, case: CaseRef, at: datetime) -> None:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    clock.set(at)
    sharing.revoke_case_grant(jtflow, case.case_id, "需求部门未按约定用途使用。", actor="c_data")


def holder_of(jtflow: Jtflow, task: Task) -> str:
    """The demo user who holds the task's unit and role."""
    for user in jtflow.users():
        if user.unit_code == task.unit_code and task.role in (user.roles or []):
            return user.username
    raise LookupError(f"no demo user for {task.unit_code}/{task.role}")


def open_task(jtflow: Jtflow, case: CaseRef, element_id: str) -> Task:
    with jtflow.sessions() as session:
        task = session.scalar(
            select(Task).where(
                Task.instance_id == case.case_id,
                Task.element_id == element_id,
                Task.state == "open",
            )
        )
    assert task is not None, f"{case.case_no}: no open {element_id}"
    return task
