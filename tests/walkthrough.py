"""One 12328 complaint through its whole life, driven through any front (the command line, the
API, the pages): its 分类转办 goes red and the center is pressed to act (催办, E12), then it is
transferred, signed for, handled, returned once by the center's audit (E10), handled again,
revisited and archived (E13) — every step done by the person whose post it is. Afterwards the
case must replay exactly, and the API must say `reproduced: true` at every step (S2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from engine.config import Settings
from engine.demo import actor_for, answer_for
from engine.models import HistoryEvent, Instance, Task
from engine.people.accounts import create_token
from engine.replay import replay_case
from engine.service import Jtflow
from webui import create_app

REPORT = {
    "channel": "hotline_12328",
    "urgency": "normal",
    "title": "火车站公交场站候车亭顶棚漏水",
    "description": "市民来电反映候车亭顶棚破损，雨天漏水。",
    "location": "厦门市思明区火车站公交场站",
    "facility": {"type": "bus_station", "name": "火车站公交场站"},
}
RETURNED = {  # the center's audit returns the first reply (E10)
    "accepted": False,
    "reason": "处置情况只写了临时遮挡，未说明修复结果。",
    "basis": "答复须含事件核实情况和处置情况（E8、E10）。",
}
# every step the walk does, in order: the 催办 first, the reply twice around the return
STEPS = [
    "press",
    "classify",
    "sign_for",
    "handle_reply",
    "leader_approve",
    "center_audit",
    "handle_reply",
    "leader_approve",
    "center_audit",
    "revisit",
    "archive",
]


def open_tasks(jtflow: Jtflow, case_no: str) -> list[Task]:
    """The case's open tasks, the 催办 first (read from the rows; the fronts act)."""
    with jtflow.sessions() as session:
        tasks = list(
            session.scalars(
                select(Task)
                .join(Instance, Instance.id == Task.instance_id)
                .where(Instance.case_no == case_no, Task.state == "open")
                .order_by(Task.id)
            )
        )
    return sorted(tasks, key=lambda t: t.element_id != "press")


def walk(
    jtflow: Jtflow,
    case_no: str,
    complete: Callable[[Task, dict[str, Any], str], None],
    between: Callable[[], None] = lambda: None,
) -> list[str]:
    """Complete the case's open tasks one by one through `complete(task, data, username)`
    until none is left, the first 中心审核答复 returning the reply; `between` runs after each.
    Returns the steps done."""
    done: list[str] = []
    while tasks := open_tasks(jtflow, case_no):
        assert len(done) < len(STEPS), f"more steps than expected after {done}"
        task = tasks[0]
        returning = task.element_id == "center_audit" and "center_audit" not in done
        data = RETURNED if returning else answer_for(task.element_id, task.unit_code)
        complete(task, data, actor_for(task))
        done.append(task.element_id)
        between()
    return done


def check_the_record(jtflow: Jtflow, case_no: str, done: list[str]) -> list[HistoryEvent]:
    """The walk did what it says: pressed, returned once, archived; returns the history."""
    assert done == STEPS
    case = jtflow.case(case_no)
    assert case.status == "archived"
    history = jtflow.history(case.id)
    kinds = [e.kind for e in history]
    assert kinds.count("escalated") == 1 and kinds.count("returned") == 1
    assert ("light_changed", "red") in [(e.kind, e.data.get("light")) for e in history]
    assert kinds[-1] == "case_ended"
    return history


def replays_exactly(jtflow: Jtflow, case_no: str) -> None:
    history = jtflow.history(jtflow.case(case_no).id)
    result = replay_case(jtflow, case_no)
    assert result.divergence is None, result.divergence and result.divergence.explanation
    assert result.events == len(history)


def reproduced_at_every_step(get: Callable[[str], Any], case_no: str, steps: int) -> None:
    """GET /api/cases/{ref}/replay?step=k through `get(path) -> JSON body`, for every k."""
    for k in range(1, steps + 1):
        body = get(f"/api/cases/{case_no}/replay?step={k}")
        assert body["step"] == k and body["reproduced"] is True, (k, body["divergence"])


def api_reader(jtflow: Jtflow, database_url: str) -> Callable[[str], Any]:
    """An auditor's GET on the API of an app over the database (for fronts other than the
    API itself)."""
    app = create_app(Settings(database_url=database_url), jtflow=jtflow, config={"TESTING": True})
    client = app.test_client()
    with jtflow.sessions() as session:
        token = create_token(session, "auditor", jtflow.clock.now())
        session.commit()

    def get(path: str) -> Any:
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get
