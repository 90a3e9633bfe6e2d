"""Why a replay differs from the record (S2), in sentences an auditor reads.

A divergence is one recorded event and what the replay produced in its place. It is said
as sentences naming the event (its number, what happened, to which step), the field that
differs, the value recorded and the value the engine produces now, e.g. 第 5 条事件（完成步骤：
签收）的发生时间不同：记录为 2026-11-24 09:00:00.817，重放得到 2026-11-24 09:00:00.785.
Each sentence is a template with its parts, as a form's FieldError is, so a page says it in
its reader's language (webui.labels.said_divergence); the CLI and the API say the Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from ..definitions.element_names import ElementName
from ..time.clock import SHANGHAI

# the Chinese names of the history's kinds (webui.labels.HISTORY translates them)
KIND_NAMES = {
    "case_reported": "报送事件",
    "task_created": "开始步骤",
    "task_claimed": "认领",
    "task_released": "释放",
    "task_completed": "完成步骤",
    "task_cancelled": "步骤取消",
    "timer_fired": "时限到达",
    "light_changed": "监察灯变化",
    "deadline_recomputed": "时限重算",
    "step_failed": "步骤失败",
    "returned": "退回",
    "escalated": "超期催办",
    "supervised": "超期督办",
    "reminder_closed": "催办随步骤结束",
    "urgent_transfer": "紧急转办通知",
    "migrated": "迁移到新版本",
    "case_ended": "案件结束",
    "share_refused": "拒绝共享",
    "negotiation_failed": "协商不成",
    "share_granted": "授权共享",
    "grant_revoked": "撤销授权",
    "source_settled": "明确唯一来源",
    "restore_rejected": "退回重新修复",
    "backfill_rejected": "退回继续补传",
    "knowledge_returned": "退回重新报送",
    "knowledge_published": "知识入库",
}
# what an event's fields are called in a sentence; a key of its data is 数据项「key」
FIELD_NAMES = {
    "at": "发生时间",
    "actor": "操作人",
    "kind": "事件类型",
    "element_id": "流程元素",
    "definition": "流程定义版本",
}
DATA_ITEM = "数据项「{key}」"
ABSENT = "—"  # a value one side does not have

# the sentences (msgids of the English catalog: keep them in step with messages.po)
DIFFERENT_FIELD = "第 {seq} 条事件（{event}）的{field}不同：记录为 {recorded}，重放得到 {replayed}"
DIFFERENT_EVENT = "第 {seq} 条事件不同：记录为「{event}」，重放得到「{other}」"
NOT_PRODUCED = "第 {seq} 条事件（{event}）在重放中没有出现：按记录的输入重新执行，得不到这条事件"
EXTRA_EVENT = "重放多出第 {seq} 条事件（{event}）：记录中没有这条事件"
INPUT_REFUSED = "第 {seq} 条事件（{event}）记录的输入在重放时被拒绝：{error}"

_FIELDS = ("at", "actor", "kind", "element_id", "definition")
_LONGEST = 300  # characters of one value in a sentence


@dataclass(frozen=True)
class Difference:
    """One field of the event that the replay produced otherwise: `data.…` for a key of its
    data (nested keys joined with dots); None for a side without the event or the key."""

    field: str
    recorded: Any
    replayed: Any


EventRef = tuple[str | None, str | None]  # an event's kind and element id


@dataclass(frozen=True)
class Sentence:
    """One finding: `template` (a *_FIELD/… constant above) and the parts it names."""

    template: str
    seq: int
    event: EventRef
    other: EventRef | None = None
    field: str | None = None
    recorded: str = ABSENT
    replayed: str = ABSENT
    error: str = ""

    def say(
        self,
        template: str,
        event_name: Callable[[str | None, str | None], str],
        field_name: Callable[[str], str],
    ) -> str:
        """The sentence with `template` (e.g. translated) and the event and field named by the
        caller's functions (e.g. in the reader's language)."""
        return template.format(
            seq=self.seq,
            event=event_name(*self.event),
            other=event_name(*self.other) if self.other else "",
            field=field_name(self.field) if self.field else "",
            recorded=self.recorded,
            replayed=self.replayed,
            error=self.error,
        )


@dataclass(frozen=True)
class Divergence:
    """The first event of a replay that differs from the record: `expected` as recorded,
    `replayed` as the engine produces it now (None: nothing at that place; `{"error": …}`:
    the recorded input was refused). `names` are the case's diagram names, for sentences."""

    seq: int
    expected: dict[str, Any]
    replayed: dict[str, Any] | None
    names: Mapping[str, ElementName] = field(default_factory=dict, compare=False, repr=False)

    @property
    def differences(self) -> list[Difference]:
        """Each field that differs, with its recorded and replayed value."""
        expected, replayed = self.expected, self.replayed
        if not expected or replayed is None or _refused(replayed):
            return [Difference("event", expected or None, replayed)]
        found = [
            Difference(name, expected.get(name), replayed.get(name))
            for name in _FIELDS
            if expected.get(name) != replayed.get(name)
        ]
        return found + _data_differences(expected.get("data"), replayed.get("data"), "data")

    @property
    def sentences(self) -> list[Sentence]:
        expected, replayed, seq = self.expected, self.replayed, self.seq
        if not expected:  # the replay produced more events than were recorded
            return [Sentence(EXTRA_EVENT, seq, _ref(replayed or {}))]
        event = _ref(expected)
        if replayed is None:
            return [Sentence(NOT_PRODUCED, seq, event)]
        if _refused(replayed):
            return [Sentence(INPUT_REFUSED, seq, event, error=str(replayed["error"]))]
        if event != _ref(replayed):
            return [Sentence(DIFFERENT_EVENT, seq, event, other=_ref(replayed))]
        return [
            Sentence(
                DIFFERENT_FIELD,
                seq,
                event,
                field=d.field,
                recorded=_text(d.field, d.recorded),
                replayed=_text(d.field, d.replayed),
            )
            for d in self.differences
        ]

    @property
    def said(self) -> list[str]:
        """Why the replay differs, in Chinese: one sentence per differing field."""
        return [s.say(s.template, self.event_name, field_name) for s in self.sentences]

    @property
    def explanation(self) -> str:
        """The sentences as one text (the API's `explanation`)."""
        return "；".join(self.said) + "。"

    def event_name(self, kind: str | None, element_id: str | None) -> str:
        """完成步骤：签收 — the kind's name and the element's as the diagram names it."""
        name = KIND_NAMES.get(kind or "", kind or ABSENT)
        return f"{name}：{element_text(self.names, element_id)}" if element_id else name


def field_name(field: str) -> str:
    if field.startswith("data."):
        return DATA_ITEM.format(key=field.removeprefix("data."))
    return FIELD_NAMES.get(field, field)


def element_text(names: Mapping[str, ElementName], element_id: str) -> str:
    """An element by its diagram name, a boundary timer with its step (签收 · 黄灯)."""
    found = names.get(element_id)
    if found is None:
        return element_id
    if found.attached_to:
        return f"{element_text(names, found.attached_to)} · {found.name}"
    return found.name


def _refused(replayed: dict[str, Any]) -> bool:
    return "error" in replayed and "kind" not in replayed


def _ref(event: dict[str, Any]) -> EventRef:
    return event.get("kind"), event.get("element_id")


_MISSING = object()


def _data_differences(recorded: Any, replayed: Any, path: str) -> list[Difference]:
    """The keys whose values differ, down to the innermost dicts both sides have there."""
    if not isinstance(recorded, dict) or not isinstance(replayed, dict):
        return [] if recorded == replayed else [Difference(path, recorded, replayed)]
    found = []
    for key in [*recorded, *(k for k in replayed if k not in recorded)]:
        a, b = recorded.get(key, _MISSING), replayed.get(key, _MISSING)
        if a == b:
            continue
        if a is _MISSING or b is _MISSING:
            found.append(Difference(f"{path}.{key}", _absent(a), _absent(b)))
        else:
            found += _data_differences(a, b, f"{path}.{key}")
    return found


def _absent(value: Any) -> Any:
    return None if value is _MISSING else value


def _text(field: str, value: Any) -> str:
    """A value as a sentence shows it: none (absent or null) as —, an instant in Xiamen time,
    anything else as compact JSON (cut short past _LONGEST characters)."""
    if value is None:
        return ABSENT
    if field == "at":
        return instant_text(datetime.fromisoformat(value))
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


def instant_text(instant: datetime) -> str:
    """2026-11-24 09:00:00.817 — Xiamen time; the fraction only as long as it needs to be."""
    local = instant.astimezone(SHANGHAI)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        fraction = f"{local.microsecond:06d}"
        text += "." + (fraction[:3] if fraction.endswith("000") else fraction)
    return text
