"""What a case's hash chain says its rows must hold (S2: every fact a page shows is checked).

Pages, exports and the API read a case's facts from its `instance` row and its steps from
its `task` rows, not from the history. Folding the chained events in order gives what
those rows must say — the facts reported, the status the case ended with, each task's
unit, role, deadlines, light, owner, answer and times — so `audit verify` names the first
row field that an edit behind the engine's back made disagree with the chain.

A migration records what its carried rows now say (unit, role, moved deadlines); one
recorded before it did leaves those facts of its open tasks unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..run.rows import LIGHTS, WATCH_ID, is_warning
from .cases import case_number

UNCHECKED = object()  # a fact the chain does not vouch for (after a migration)

CASE_FIELDS = {
    "case_no": "案件编号",
    "facts": "事件信息",
    "title": "标题",
    "channel": "来源渠道",
    "urgency": "紧急程度",
    "location": "事件地点",
    "created_at": "报送时间",
    "status": "状态",
    "ended_at": "结束时间",
}
TASK_FIELDS = {
    "element_id": "步骤",
    "unit_code": "承办单位",
    "role": "岗位",
    "created_at": "开始时间",
    "due_at": "时限",
    "warn_at": "黄灯时间",
    "light": "监察灯",
    "state": "状态",
    "assignee": "认领人",
    "completed_at": "完成时间",
    "completed_by": "办理人",
    "data": "办理数据",
    "late_seconds": "超时秒数",
}


_INDEX = {name: index for index, name in enumerate(TASK_FIELDS)}
_STATE, _ELEMENT, _ASSIGNEE = _INDEX["state"], _INDEX["element_id"], _INDEX["assignee"]
_COMPLETED = [_INDEX[n] for n in ("state", "completed_at", "completed_by", "data", "late_seconds")]


class _ExpectedTask:
    """A task row as the chain says it must be: values in TASK_FIELDS order, and for each
    the seq of the event that recorded it (lists, not objects: verify folds millions)."""

    __slots__ = ("values", "seqs")

    def __init__(self, values: list[Any], seq: int):
        self.values, self.seqs = values, [seq] * len(values)

    def set(self, name: str, value: Any, seq: int) -> None:
        index = _INDEX[name]
        self.values[index], self.seqs[index] = value, seq

    @property
    def element_id(self) -> str:
        return str(self.values[_ELEMENT])

    @property
    def open(self) -> bool:
        return bool(self.values[_STATE] == "open")


@dataclass
class _Fold:
    """What the events seen so far say the rows hold."""

    spiff_ids: dict[int, str]  # task row id → Spiff task id (events name either)
    tasks: dict[str, _ExpectedTask] = field(default_factory=dict)  # by Spiff task id
    # a light lit in a step, by watched activity (or by element, before events named it)
    pending_light: dict[str, tuple[datetime, str, int]] = field(default_factory=dict)
    watch_of: dict[str, str] = field(default_factory=dict)  # Spiff task id → its activity's
    ended: Any = None  # the case_ended event


def rows_disagree(
    case: Any, tasks: Iterable[Any], events: Sequence[Any]
) -> tuple[int | None, str] | None:
    """The first row field the case's chain does not say, as (seq, why): the case row's
    (CASE_FIELDS, from its 5th column on), then its task rows' — rows of (id, instance_id,
    spiff_task_id, *TASK_FIELDS). A task row the chain never created, or a task the chain
    created without a row, is named too."""
    rows = {row.spiff_task_id: row for row in tasks}
    fold = _Fold({row.id: row.spiff_task_id for row in rows.values()})
    for event in events:
        step = _FOLDS.get(event.kind)
        if step is not None:
            step(fold, event)
    return _case_disagrees(case, events[0], fold.ended) or _tasks_disagree(rows, fold.tasks)


def _case_disagrees(case: Any, reported: Any, ended: Any) -> tuple[int | None, str] | None:
    if reported.kind != "case_reported":
        return reported.seq, "第 1 条事件不是报送事件（案件的来历缺失）"
    facts = reported.data or {}
    expected = (  # in CASE_FIELDS order
        case_number(case.id, reported.at, facts.get("process")),
        facts,
        facts.get("title"),
        facts.get("channel"),
        facts.get("urgency"),
        facts.get("location"),
        reported.at,
        "running" if ended is None else (ended.data or {}).get("status"),
        None if ended is None else ended.at,
    )
    stored = case[-len(CASE_FIELDS) :]
    if tuple(stored) == expected:
        return None
    for index, (label, value, recorded) in enumerate(
        zip(CASE_FIELDS.values(), stored, expected, strict=True)
    ):
        if value != recorded:
            seq = ended.seq if ended is not None and index >= 7 else 1
            return seq, f"案件记录的{label}与第 {seq} 条事件记录的不符（案件记录被改动）"
    return None


def _tasks_disagree(
    rows: dict[str, Any], expected: dict[str, _ExpectedTask]
) -> tuple[int | None, str] | None:
    for spiff_id, task in expected.items():
        row = rows.pop(spiff_id, None)
        if row is None:
            created = task.seqs[_INDEX["created_at"]]
            return created, f"第 {created} 条事件开始的步骤没有任务记录（任务记录被删除）"
        stored = row[3:]
        if stored == tuple(task.values):
            continue
        for label, value, recorded, seq in zip(
            TASK_FIELDS.values(), stored, task.values, task.seqs, strict=True
        ):
            if recorded is not UNCHECKED and value != recorded:
                return seq, f"任务 #{row.id} 的{label}与第 {seq} 条事件记录的不符（任务记录被改动）"
    for row in rows.values():
        return None, f"任务 #{row.id} 在历史中没有来历（任务记录是后加的）"
    return None


def _instant(text: str | None) -> datetime | None:
    """An instant the engine itself wrote into event data (UTC ISO 8601, with its offset)."""
    return None if text is None else datetime.fromisoformat(text)


def _created(fold: _Fold, event: Any) -> None:
    data, element, at = event.data, event.element_id, event.at
    task = fold.tasks[data["spiff_task_id"]] = _ExpectedTask(
        [  # in TASK_FIELDS order
            element,
            data.get("unit"),
            data.get("role"),
            at,
            _instant(data.get("due_at")),
            _instant(data.get("warn_at")),
            "green",
            "open",
            data.get("assignee"),  # a task addressed to one applicant by name (M1)
            None,
            None,
            None,
            None,
        ],
        event.seq,
    )
    watch = fold.watch_of[data["spiff_task_id"]] = data.get(WATCH_ID) or data["spiff_task_id"]
    light = fold.pending_light.get(watch) or fold.pending_light.get(element)
    if light is not None and light[0] == at:  # lit in the step that opened it
        task.set("light", light[1], light[2])


def _acted(fold: _Fold, event: Any) -> None:
    """A claim, a release or a completion: the row's owner, and a completion's answer."""
    data, kind, seq = event.data, event.kind, event.seq
    task = fold.tasks.get(fold.spiff_ids.get(data.get("task_id"), ""))
    if task is None:
        return
    values, seqs = task.values, task.seqs
    values[_ASSIGNEE] = None if kind == "task_released" else event.actor
    seqs[_ASSIGNEE] = seq
    if kind == "task_completed":
        answer = ("completed", event.at, event.actor, data.get("data"), data.get("late_seconds"))
        for index, value in zip(_COMPLETED, answer, strict=True):
            values[index], seqs[index] = value, seq


def _cancelled(fold: _Fold, event: Any) -> None:
    task = fold.tasks.get(event.data.get("spiff_task_id", ""))
    if task is not None:
        task.set("state", "cancelled", event.seq)


def _reminder_closed(fold: _Fold, event: Any) -> None:
    """A 催办/督办 that ended by itself with the step it chased (E12)."""
    task = fold.tasks.get(event.data.get("spiff_task_id", ""))
    if task is not None:
        task.set("state", "closed", event.seq)
        task.set("completed_at", event.at, event.seq)


def _ended(fold: _Fold, event: Any) -> None:
    fold.ended = event


def _recomputed(fold: _Fold, event: Any) -> None:
    column = "warn_at" if is_warning(event.element_id or "") else "due_at"
    for task in _open_at(fold.tasks, event.data.get("watches")):
        task.set(column, _instant(event.data.get("new_due_at")), event.seq)


def _migrated(fold: _Fold, event: Any) -> None:
    """Carried tasks take the new version's unit and role (recorded by element: several open
    tasks of one element with different units stay unchecked), and its moved deadlines. A
    migration recorded before those were written down leaves them unchecked."""
    data, seq = event.data, event.seq
    carried, retimed = data.get("carried"), data.get("retimed") or []
    definitions: dict[str, set[tuple[str, str]]] = {}
    for entry in carried or ():
        definitions.setdefault(entry["element_id"], set()).add((entry["unit"], entry["role"]))
    for task in fold.tasks.values():
        if not task.open:
            continue
        defined = definitions.get(task.element_id)
        if carried is not None and defined is not None and len(defined) == 1:
            (unit, role), *_ = defined
            task.set("unit_code", unit, seq)
            task.set("role", role, seq)
        elif carried is None or defined is not None:  # not written down, or ambiguous
            task.set("unit_code", UNCHECKED, seq)
            task.set("role", UNCHECKED, seq)
        if any("watches" not in moved for moved in retimed):
            task.set("due_at", UNCHECKED, seq)
            task.set("warn_at", UNCHECKED, seq)
    for moved in retimed:
        column = "warn_at" if is_warning(moved["element_id"]) else "due_at"
        for task in _open_at(fold.tasks, moved.get("watches")):
            task.set(column, _instant(moved["new_due_at"]), seq)


def _light(fold: _Fold, event: Any) -> None:
    """E12 as engine/run/rows.py writes it: a step's fired timers set the light of the open rows
    of the step they watch to the most severe of them; a row opened later in the same step
    takes it too."""
    element, seq, pending = event.element_id, event.seq, fold.pending_light
    light = str(event.data.get("light"))
    watch = event.data.get(WATCH_ID)  # the activity lit; events before it named the element
    key = watch or element
    earlier = pending.get(key)
    if earlier is not None and earlier[0] == event.at:
        light = max(earlier[1], light, key=LIGHTS.index)
    pending[key] = (event.at, light, seq)
    if watch is None:
        lit = _open_at(fold.tasks, element)
    else:
        lit = [t for i, t in fold.tasks.items() if t.open and fold.watch_of.get(i) == watch]
    for task in lit:
        task.set("light", light, seq)


def _open_at(tasks: dict[str, _ExpectedTask], element_id: str | None) -> list[_ExpectedTask]:
    return [t for t in tasks.values() if t.element_id == element_id and t.open]


_FOLDS = {
    "case_ended": _ended,
    "task_created": _created,
    "task_claimed": _acted,
    "task_released": _acted,
    "task_completed": _acted,
    "task_cancelled": _cancelled,
    "reminder_closed": _reminder_closed,
    "light_changed": _light,
    "deadline_recomputed": _recomputed,
    "migrated": _migrated,
}
