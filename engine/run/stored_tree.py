"""A stored workflow state's task tree, read from its bytes without building the workflow.

Deserializing a case costs about a millisecond; telling where ten thousand cases sit must
not. The state engine/run/state.py writes is SpiffWorkflow's JSON, whose task objects all
begin with the same keys in the same order (id, parent, children, last_state_change, state,
task_spec, triggered, internal_data) and end with `"typename":"Task"}`, so one pattern finds
every task's header and the data is left unparsed.

Task data may hold any keys, so a header could be imitated inside it; but data holding an
object tagged `"typename":"Task"` (or `BpmnSubWorkflow`) cannot be loaded at all, since
restoring it would try to build a task from it. So when the headers found are as many as
the task objects' ends, and the subprocess trailers as many as their tags, every header is
a real task's. Anything else, or anything unexpected, and the state is not read here
(None): its reader deserializes it as usual.

A task's data is stored as a delta against its parent's (SpiffWorkflow's TaskConverter);
`data_of` rebuilds it as TaskConverter.from_dict does, parsing only the task's ancestors.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import orjson

# every `{"id":"` in the state, with a task header's groups when it is one
_HEADER = re.compile(  # possessive: nothing to try again, and a third faster
    rb'\{"id":"(?:([^"]{36})","parent":(?:null|"([^"]{36})"),"children":\[([^\]]*+)\],'
    rb'"last_state_change":[^,]*+,("state":\d++,"task_spec":"[^"\\]*+",'
    rb'"triggered":(?:true|false),"internal_data":\{[^{}]*+\}),)?'
)
_REST = re.compile(rb'"state":(\d+),"task_spec":"([^"\\]*)",.*"internal_data":(\{.*\})')
_TASK_END = b'"typename":"Task"}'
_TYPENAME = b'"typename":'
_SUBPROCESS = re.compile(
    rb'"root":"([^"]{36})","parent_task_id":"([^"]{36})","spec":"([^"\\]*+)",'
    rb'"typename":"BpmnSubWorkflow"\}'
)
_SUBPROCESS_END = b'"typename":"BpmnSubWorkflow"}'
_NO_CORRELATIONS = b'"correlations":{}'  # correlations are not restored: none may hide a tag
# the end of a task object whose data is its parent's unchanged
_SAME_DATA = b',"data":{},"delta":{"updates":{},"deletions":[]},"typename":"Task"}'
_DEADLINE = re.compile(rb'"event_value":"[^"]*"')
_TASK_ID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KEY = 40  # `,"<task id>":` before a task object that is not its mapping's first


@dataclass
class StoredWorkflow:
    """The top workflow or one subprocess: its tasks are the state's tasks `first` to
    `last` (exclusive), in the order the workflow keeps them, the first being its root."""

    first: int
    last: int
    spec: str | None = None  # a subprocess's process id; None for the top workflow
    parent_task: int | None = None  # a subprocess's call activity (a task of the top one)


@dataclass
class StoredTree:
    """Every task of the state by index (the saved order: the top workflow's, then each
    subprocess's), as columns."""

    state: bytes
    ids: tuple[bytes, ...]
    parents: list[int | None]
    rest: tuple[bytes, ...]  # each header's state, task_spec, triggered and internal_data
    workflows: list[StoredWorkflow]  # the top one first
    key: tuple[Any, ...]  # everything migrating the tree depends on but deadlines and data
    _data: dict[int, dict[str, Any]] = field(default_factory=dict)
    _starts: dict[int, int] = field(default_factory=dict)
    _found: tuple[int, int] = (0, 0)  # the last task looked for and where it starts

    def workflow_of(self, index: int) -> StoredWorkflow:
        for workflow in self.workflows:
            if workflow.first <= index < workflow.last:
                return workflow
        raise IndexError(index)

    def state_of(self, index: int) -> int:
        return int(self._rest(index).group(1))

    def spec_of(self, index: int) -> str:
        return self._rest(index).group(2).decode()

    def internal_of(self, index: int) -> dict[str, Any]:
        values: dict[str, Any] = orjson.loads(self._rest(index).group(3))
        return values

    def _rest(self, index: int) -> re.Match[bytes]:
        match = _REST.fullmatch(self.rest[index])
        assert match is not None  # the header pattern matched it
        return match

    def data_of(self, index: int, restore: Any) -> dict[str, Any]:
        """The task's data, equal to what deserializing gives it (`restore`: the codec
        registry's); read only, shared with its descendants' where they did not change it.
        Raises ValueError when a task's object cannot be told apart in the state."""
        chain = []  # the task and its ancestors whose data is not known yet, nearest first
        node: int | None = index
        while node is not None and node not in self._data:
            chain.append(node)
            node = self.parents[node]
        for node in reversed(chain):
            self._data[node] = self._rebuilt(node, restore)
        return self._data[index]

    def _rebuilt(self, index: int, restore: Any) -> dict[str, Any]:
        start = self._start(index)
        after = self._start(index + 1) if index + 1 < len(self.ids) else -1
        if after < 0 or self.state[after - _KEY : after] != b',"' + self.ids[index + 1] + b'":':
            raise ValueError("a workflow's last task has no key after it to end it")
        parent = self.parents[index]
        if parent is not None and self.state.endswith(_SAME_DATA, start, after - _KEY):
            return self._data[parent]
        text = self.state[start : after - _KEY]
        dct = orjson.loads(text)
        if dct.get("id") != self.ids[index].decode():
            raise ValueError("a task's object is not where its header is")
        if text.count(_TYPENAME) > 1:  # a value the serializer tagged: restore it
            dct = {"data": restore(dct["data"]), "delta": restore(dct.get("delta"))}
        delta = dct.get("delta")
        if not delta or parent is None:  # as TaskConverter.from_dict
            return dict(dct["data"])
        # TaskConverter copies the parent's data (DeepMerge.merge({}, …)); equal values
        # suffice here, as the data is only read
        data = dict(self._data[parent])
        data.update(delta.get("updates", {}))
        for key in delta.get("deletions", {}):
            if key in data:
                del data[key]
        return data

    def _start(self, index: int) -> int:
        start = self._starts.get(index)
        if start is None:  # tasks are looked for mostly in order: go on from the last one
            since = self._found[1] if self._found[0] < index else 0
            start = self.state.find(b'{"id":"' + self.ids[index], since)
            self._starts[index], self._found = start, (index, start)
        return start


def read_tree(state: bytes) -> StoredTree | None:
    """The state's task trees, or None when they cannot be read with certainty."""
    found = _HEADER.findall(state)
    if not found or len(found) != state.count(_TASK_END):
        return None
    ids, parent_ids, kids, rest = zip(*found, strict=True)
    if b"" in ids:
        return None  # a `{"id":"` that is no header
    count = len(ids)
    position = dict(zip(ids, range(count), strict=True))
    parents: list[int | None] = list(map(position.get, parent_ids))
    roots = _roots(parent_ids)
    if len(position) != count or parents.count(None) != len(roots) or roots[0] != 0:
        return None
    # SpiffWorkflow keeps a parent before its children and a workflow's tasks together
    ends = [*roots[1:], count]
    for first, last in zip(roots, ends, strict=True):
        inner = cast(list[int], parents[first + 1 : last])  # no root among them: all have one
        if inner and (
            min(inner) < first or not all(map(operator.lt, inner, range(first + 1, last)))
        ):
            return None
    # each task's children, as stored, are the tasks naming it as parent, in saved order
    children = sorted(
        itertools.chain.from_iterable(range(f + 1, e) for f, e in zip(roots, ends, strict=True)),
        key=cast(Callable[[int], int], parents.__getitem__),
    )
    said = b'"' + b'","'.join(map(ids.__getitem__, children)) + b'"' if children else b""
    if said != b",".join(filter(None, kids)):
        return None
    workflows = [StoredWorkflow(first, last) for first, last in zip(roots, ends, strict=True)]
    if not _subprocesses(state, workflows, position):
        return None
    key = (
        _task_shapes(rest, position),
        tuple(parents),
        tuple((w.first, w.spec, w.parent_task) for w in workflows),
    )
    return StoredTree(state, ids, parents, rest, workflows, key)


def _roots(parent_ids: tuple[bytes, ...]) -> list[int]:
    """The tasks without a parent (findall says b"" for it)."""
    roots: list[int] = []
    at = -1
    while True:
        try:
            at = parent_ids.index(b"", at + 1)
        except ValueError:
            return roots
        roots.append(at)


def _subprocesses(
    state: bytes, workflows: list[StoredWorkflow], position: dict[bytes, int]
) -> bool:
    """Whether every workflow after the first is the subprocess of one task of the first,
    and its trailer says which; names them."""
    top = workflows[0]
    if state.count(_NO_CORRELATIONS) != len(workflows):
        return False
    if len(workflows) == 1:
        return _SUBPROCESS_END not in state
    trailers = _SUBPROCESS.findall(state)
    if state.count(_SUBPROCESS_END) != len(trailers) or len(trailers) != len(workflows) - 1:
        return False
    by_root = {w.first: w for w in workflows[1:]}
    for root_id, call_id, spec in trailers:
        sub = by_root.pop(position.get(root_id, -1), None)
        call = position.get(call_id)
        if sub is None or call is None or not top.first <= call < top.last:
            return False
        sub.spec, sub.parent_task = spec.decode(), call
    return not by_root


def _task_shapes(rest: tuple[bytes, ...], position: dict[bytes, int]) -> bytes:
    """Each task's state, element, triggered flag and internal data, with each timer's
    deadline blanked and each task id (a loop's merged iterations) said as the task's
    index, as every case has its own."""
    shape = _DEADLINE.sub(b'"event_value":1', b"\n".join(rest))
    if b"-" not in shape or _TASK_ID.search(shape) is None:  # the quick look first
        return shape
    return _TASK_ID.sub(lambda m: b"%d" % position.get(m.group(), -1), shape)
