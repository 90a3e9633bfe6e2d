"""SpiffWorkflow, set up for jtflow: a parser and timers that read our clock.

SpiffWorkflow 3.2.0 compares timers with the wall clock and has no clock seam.
Timer event definitions here ask the workflow's script engine for the injected
clock instead, so a test can move a ten-working-day deadline in microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util import PendingBpmnEvent
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.event_parsers import (
    SpiffBoundaryEventParser,
    SpiffIntermediateCatchEventParser,
    SpiffStartEventParser,
)
from SpiffWorkflow.util.task import TaskState

from ..time.clock import Clock
from ..time.cycles import parse_cycle
from .guarded_evaluator import BudgetExceeded


class TooManyInstances(BudgetExceeded):
    """A multi-instance activity asked for more children than one step can make."""


PROVISIONAL = "jtflow_provisional"  # a timer task's internal data: its deadline is provisional
CYCLE = "jtflow_cycle"  # a cycle timer's internal data: the index of its next occurrence
CYCLE_AT = "cycle_at"  # workflow data: the occurrence that opened this branch (ISO, UTC)


def _now(my_task: Any) -> datetime:
    return my_task.workflow.script_engine.clock.now()


def _due(value: str) -> datetime:
    return TimerEventDefinition.get_datetime(value)


class ClockedTimeDate(TimeDateEventDefinition):
    """A timeDate timer: the expression gives the due instant; due means due *at* that instant."""

    def has_fired(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            engine = my_task.workflow.script_engine
            with engine.watching_provisional() as provisional:
                value = engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=value, **{PROVISIONAL: provisional[0]})
        if _due(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockedDuration(DurationTimerEventDefinition):
    """A timeDuration timer (wall-clock, e.g. "PT30M") counted on the injected clock."""

    def has_fired(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            duration = TimerEventDefinition.parse_iso_duration(expression)
            start = _now(my_task)
            value = (
                start + TimerEventDefinition.get_timedelta_from_start(duration, start)
            ).isoformat()
            my_task._set_internal_data(event_value=value)
        if _due(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockedCycle(CycleTimerEventDefinition):
    """A timeCycle `R/<start>/<period>` (engine/time/cycles.py) counted on the injected clock.

    The timer waits for ever; each occurrence that comes due sends one token down its
    outgoing flow, carrying `cycle_at` (the occurrence, not the instant it fired), and the
    timer moves to the next occurrence. `event_value` holds that next occurrence as an ISO
    string, like any other timer, so its timer row is claimed, leased and fired by the same
    scheduler; the step's version check makes a firing count once among several workers. A
    step late for its occurrences (the service was down at the instants) fires each missed
    occurrence once, each its own branch; SpiffWorkflow updates a waiting timer several times
    a step, and each update fires the next occurrence that is due."""

    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycle = parse_cycle(expression)
            index = cycle.first_index_at_or_after(_now(my_task))
            my_task._set_internal_data(
                event_value=utc_iso(cycle.occurrence(index)),
                **{CYCLE: {"expression": str(expression), "index": index, "first": index}},
            )
        return False  # unbounded: the timer itself never completes

    def update_task(self, my_task: Any) -> None:
        value = my_task._get_internal_data("event_value")
        if value is None or _due(value) > _now(my_task):
            return
        state = dict(my_task._get_internal_data(CYCLE))
        cycle = parse_cycle(state["expression"])
        state["index"] += 1
        my_task.data[CYCLE_AT] = value
        my_task._set_internal_data(
            event_value=utc_iso(cycle.occurrence(state["index"])), **{CYCLE: state}
        )
        for output in my_task.task_spec.outputs:
            child = my_task._add_child(output, TaskState.FUTURE)
            child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
            child.task_spec._update(child)

    def details(self, my_task: Any) -> PendingBpmnEvent:
        value = my_task._get_internal_data("event_value")
        return PendingBpmnEvent(self.name, self.__class__.__name__, value)


_CLOCKED = {
    TimeDateEventDefinition: ClockedTimeDate,
    DurationTimerEventDefinition: ClockedDuration,
    CycleTimerEventDefinition: ClockedCycle,
}


class _ClockedTimers:
    """Parser mixin: swap SpiffWorkflow's wall-clock timers for clocked ones."""

    def parse_timer_event(self, event: Any) -> Any:
        definition = super().parse_timer_event(event)  # type: ignore[misc]
        clocked = _CLOCKED.get(type(definition))
        if clocked is None:
            return definition
        return clocked(definition.name, definition.expression, description=definition.description)


class _StartEventParser(_ClockedTimers, SpiffStartEventParser):
    pass


class _BoundaryEventParser(_ClockedTimers, SpiffBoundaryEventParser):
    pass


class _IntermediateCatchEventParser(_ClockedTimers, SpiffIntermediateCatchEventParser):
    pass


def _override(parser_class: type, tag: str) -> tuple[str, tuple[type, type]]:
    full = f"{{http://www.omg.org/spec/BPMN/20100524/MODEL}}{tag}"
    return full, (parser_class, SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full][1])


class DiagramParser(SpiffBpmnParser):
    """SpiffBpmnParser with the XSD validator on and clocked timers. Use one per deployment."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        **dict(
            [
                _override(_StartEventParser, "startEvent"),
                _override(_BoundaryEventParser, "boundaryEvent"),
                _override(_IntermediateCatchEventParser, "intermediateCatchEvent"),
            ]
        ),
    }

    def __init__(self) -> None:
        super().__init__(validator=VALIDATOR)


MAX_INSTANCES = 1000  # children of one multi-instance activity: more would hang the step


class ClockedScriptEngine(PythonScriptEngine):
    """The script engine carries the clock, so timers and helpers share one notion of now,
    and tells timers whether the deadline they evaluated is provisional. It also bounds
    what a multi-instance activity may ask for, as its cardinality is only a number."""

    def __init__(
        self,
        clock: Clock,
        environment: Any,
        watching_provisional: Callable[[], AbstractContextManager[list[bool]]] | None = None,
    ) -> None:
        super().__init__(environment=environment)
        self.clock = clock
        self.watching_provisional = watching_provisional or _never_provisional

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        if expression == getattr(task.task_spec, "cardinality", None):
            _check_instances(value, task.task_spec.bpmn_id)
        return value


class BoundedCollection:
    """A multi-instance activity's input collection, refused past MAX_INSTANCES items (the
    collection's count is the cardinality). Wraps SpiffWorkflow's data reference."""

    def __init__(self, reference: Any, element_id: str):
        self._reference, self._element_id = reference, element_id

    def get(self, my_task: Any) -> Any:
        collection = self._reference.get(my_task)
        if hasattr(collection, "__len__"):
            _check_instances(len(collection), self._element_id)
        return collection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reference, name)


def bound_multi_instances(specs: Iterable[Any]) -> None:
    """Wrap every multi-instance input collection of these process specs (run once per
    loaded definition; specs are stored without the wrapper, which never serializes)."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            reference = getattr(task_spec, "data_input", None)
            if reference is not None and not isinstance(reference, BoundedCollection):
                task_spec.data_input = BoundedCollection(reference, task_spec.bpmn_id)


def _check_instances(count: Any, element_id: str) -> None:
    if isinstance(count, int) and count > MAX_INSTANCES:
        raise TooManyInstances(
            f"多实例活动 {element_id} 要创建 {count} 个实例，超过上限 {MAX_INSTANCES}："
            "请检查其基数表达式"
        )


@contextmanager
def _never_provisional() -> Iterator[list[bool]]:
    yield [False]


def utc_iso(instant: datetime) -> str:
    """The one format instants take inside workflow data: ISO 8601 in UTC."""
    return instant.astimezone(UTC).isoformat()
