"""The one guarded evaluator for diagram code (DESIGN.md "Scripts are not trusted code").

SpiffWorkflow hands every expression and script it evaluates — scripts, conditions,
timers, DMN entries, service-task parameters, multi-instance expressions, message
payloads, from any element, file or namespace — to its script environment. This one
checks the source against the deploy-time allow-list again (cached by source text), so
code in a place the deploy-time scan does not know still cannot step outside the list.

Allowed code can still hang a step or exhaust memory (`range(10**12)`, `9**9**9`,
`[0]*10**10`). So the code runs instrumented under a budget: loops and operators that
build values go through guards that count time and elements, and a step whose diagram
code goes over is refused (BudgetExceeded), like any failing step.
"""

from __future__ import annotations

import ast
import builtins
import copy
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from ..errors import JtflowError
from .script_safety import SAFE_BUILTINS, check_source

MAX_INT_BITS = 100_000  # about 30,000 decimal digits: no deadline or count needs more
MAX_FORMAT_DIGITS = 3  # f"{x:>999}" is the widest field a format may ask for


@dataclass(frozen=True)
class CodeBudget:
    """What diagram code may spend in one step (settings JTFLOW_SCRIPT_SECONDS and
    JTFLOW_SCRIPT_MAX_VALUE)."""

    seconds: float = 2.0  # evaluation time, all of the step's diagram code together
    max_value: int = 1_000_000  # elements (items, characters) of any one value built

    @property
    def step_elements(self) -> int:
        """Elements built and loop turns taken in one step, all together."""
        return 10 * self.max_value


class DiagramCodeError(JtflowError):
    """Diagram code refused at run time; the step that ran it fails and is undone."""


class UnsafeCode(DiagramCodeError):
    """Code outside the allow-list, met at run time (the deploy-time scan missed it)."""


class BudgetExceeded(DiagramCodeError):
    """Allowed code that would take too long or build too large a value."""


class _Meter:
    """What is left of a budget: seconds, elements, and the current evaluation's deadline."""

    __slots__ = ("seconds_left", "elements_left", "deadline", "budget")

    def __init__(self, budget: CodeBudget):
        self.budget = budget
        self.seconds_left = budget.seconds
        self.elements_left = budget.step_elements
        self.deadline = 0.0

    def tick(self) -> None:
        self.elements_left -= 1
        if self.elements_left < 0:
            raise BudgetExceeded(_too_many(self.budget))
        if time.perf_counter() > self.deadline:
            raise BudgetExceeded(_too_long(self.budget))

    def charge(self, elements: int) -> None:
        if elements > self.budget.max_value:
            raise BudgetExceeded(
                f"流程图代码要构造 {elements} 个元素的值，超过上限 {self.budget.max_value}"
                "（JTFLOW_SCRIPT_MAX_VALUE）：请缩小范围或重复次数"
            )
        self.elements_left -= elements
        if self.elements_left < 0:
            raise BudgetExceeded(_too_many(self.budget))
        if time.perf_counter() > self.deadline:
            raise BudgetExceeded(_too_long(self.budget))


def _too_long(budget: CodeBudget) -> str:
    return (
        f"流程图代码运行超过 {budget.seconds:g} 秒（JTFLOW_SCRIPT_SECONDS），已中止："
        "请检查循环和工作日函数的参数"
    )


def _too_many(budget: CodeBudget) -> str:
    return (
        f"流程图代码在一步内构造或遍历的元素超过 {budget.step_elements} 个，已中止："
        "请检查循环的范围"
    )


_SEQUENCES = (str, bytes, list, tuple)
_SCALARS = (str, bytes, int, float, bool, type(None))


class GuardedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's script environment, every evaluation checked and budgeted.

    One environment serves many workflows and threads: the budget being spent is
    per thread, opened for a whole step by `step_budget()`; outside a step each
    evaluation gets a budget of its own.
    """

    def __init__(self, helpers: Mapping[str, Callable[..., Any]], budget: CodeBudget | None = None):
        self.budget = budget or CodeBudget()
        self._local = threading.local()
        self._callables = frozenset(helpers)
        guards = {
            "__jt_iter": self._iter,
            "__jt_sized": self._sized,
            "__jt_format": self._format,
            "__jt_add": self._add,
            "__jt_mul": self._mul,
            "__jt_pow": self._pow,
            "__jt_lshift": self._lshift,
            "__jt_mod": self._mod,
        }
        safe = {name: getattr(builtins, name) for name in SAFE_BUILTINS}
        safe.update(
            range=self._range,
            sum=self._sum,
            str=self._str,
            list=self._built(list),
            tuple=self._built(tuple),
            set=self._built(set),
            dict=self._built(dict),
            sorted=self._built(sorted),
        )
        super().__init__({"__builtins__": safe, **helpers, **guards})

    # -- SpiffWorkflow's entry points --------------------------------------------------

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        code = self._compiled(expression, "eval")
        namespace = {**(external_context or {}), **context, **self.globals}
        with self._metered():
            return builtins.eval(code, namespace)  # the one eval of diagram code: checked above

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = self._compiled(script, "exec")
        namespace = {**external, **context, **self.globals}
        with self._metered():
            builtins.exec(code, namespace)  # the one exec of diagram code: checked above
        for key, value in namespace.items():
            if key not in self.globals and key not in external and not callable(value):
                context[key] = value
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise UnsafeCode("jtflow 不调用外部服务（serviceTask）：请改用用户任务或脚本任务")

    # -- the budget --------------------------------------------------------------------

    @contextmanager
    def step_budget(self) -> Iterator[None]:
        """All diagram code evaluated on this thread within the block shares one budget."""
        previous = getattr(self._local, "step", None)
        self._local.step = _Meter(self.budget)
        try:
            yield
        finally:
            self._local.step = previous

    @contextmanager
    def _metered(self) -> Iterator[None]:
        meter = getattr(self._local, "step", None) or _Meter(self.budget)
        outer = getattr(self._local, "meter", None)
        start = time.perf_counter()
        meter.deadline = start + meter.seconds_left
        self._local.meter = meter
        try:
            yield
        except (MemoryError, RecursionError):
            raise BudgetExceeded("流程图代码用尽了内存或嵌套过深，已中止：请缩小构造的值") from None
        finally:
            meter.seconds_left -= time.perf_counter() - start
            self._local.meter = outer
        if meter.seconds_left < 0:  # the time went in a helper or a builtin, not in a loop
            raise BudgetExceeded(_too_long(self.budget))

    def _meter(self) -> _Meter:
        meter: _Meter | None = getattr(self._local, "meter", None)
        if meter is None:  # a guard called outside an evaluation, e.g. a stored generator
            raise BudgetExceeded("流程图代码在求值之外被调用")
        return meter

    def _compiled(self, source: str, mode: Literal["eval", "exec"]) -> CodeType:
        compiled = _compile_guarded(source, mode, self._callables)
        if isinstance(compiled, str):
            raise UnsafeCode(compiled)
        return compiled

    # -- guards the instrumented code calls ----------------------------------------------

    def _iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        meter = self._meter()
        for item in iterable:
            meter.tick()
            yield item

    def _sized(self, value: Any) -> Any:
        self._meter().charge(len(value))
        return value

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            length = len(numbers)
        except OverflowError:
            length = self.budget.max_value + 1
        self._meter().charge(length)
        return numbers

    def _built(self, kind: Callable[..., Any]) -> Callable[..., Any]:
        def build(*args: Any, **kwargs: Any) -> Any:
            return self._sized(kind(*args, **kwargs))

        return build

    def _sum(self, iterable: Iterable[Any], start: Any = 0) -> Any:
        if not isinstance(start, int | float):
            raise BudgetExceeded("sum() 只能对数字求和：拼接列表或字符串请用推导式")
        return sum(iterable, start)

    def _str(self, value: Any = "") -> str:
        if not isinstance(value, _SCALARS):
            self._meter().charge(_flat_size(value, self.budget.max_value))
        return str(value)

    def _format(self, value: Any, spec: str, conversion: int) -> str:
        if not isinstance(value, _SCALARS):
            self._meter().charge(_flat_size(value, self.budget.max_value))
        if conversion == ord("r"):
            value = repr(value)
        elif conversion == ord("s"):
            value = str(value)
        elif conversion == ord("a"):
            value = ascii(value)
        digits = "".join(c if c.isdigit() else " " for c in spec).split()
        if any(len(d) > MAX_FORMAT_DIGITS for d in digits):
            raise BudgetExceeded(f"格式 {spec[:20]!r} 的宽度或精度过大：最多 3 位数")
        return format(value, spec)

    def _add(self, a: Any, b: Any) -> Any:
        if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
            self._meter().charge(len(a) + len(b))
        return a + b

    def _mul(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int):
            _check_bits(a.bit_length() + b.bit_length())
        elif isinstance(a, _SEQUENCES) and isinstance(b, int):
            self._meter().charge(len(a) * max(b, 0))
        elif isinstance(b, _SEQUENCES) and isinstance(a, int):
            self._meter().charge(len(b) * max(a, 0))
        return a * b

    def _pow(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            _check_bits(a.bit_length() * b)
        return a**b

    def _lshift(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and a:
            _check_bits(a.bit_length() + b)
        return a << b

    def _mod(self, a: Any, b: Any) -> Any:
        if isinstance(a, str | bytes):
            raise BudgetExceeded('不支持用 % 格式化字符串：请用 f-string，如 f"{x}"')
        return a % b


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise BudgetExceeded(
            f"流程图代码要构造约 {bits} 位的整数，超过上限 {MAX_INT_BITS} 位：请检查乘方与乘法"
        )


def _flat_size(value: Any, limit: int) -> int:
    """Roughly how many characters `str(value)` makes, counted up to just past `limit`."""
    size, stack = 0, [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            size += len(item) + 2
        elif isinstance(item, Mapping):
            size += 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, Collection):
            size += 2 * len(item) + 2
            stack.extend(item)
        else:
            size += 24  # a number's digits are bounded by MAX_INT_BITS' str() limit
    return size


# -- checking and instrumenting the source, once per text --------------------------------


@lru_cache(maxsize=4096)
def _compile_guarded(
    source: str, mode: Literal["eval", "exec"], callables: frozenset[str]
) -> CodeType | str:
    """The instrumented code object, or what is wrong with the source (the allow-list)."""
    text = source.strip() if mode == "eval" else source
    problems = check_source(
        text, mode=mode, callables=callables, file="", element_id=None, line=None
    )
    if problems:
        return f"流程图代码不在允许范围内，未执行：{problems[0].message}（{_excerpt(source)}）"
    try:
        tree = _Instrument().visit(ast.parse(text, mode=mode))
        return compile(ast.fix_missing_locations(tree), "<diagram>", mode)
    except (RecursionError, MemoryError, SyntaxError, ValueError):
        return f"流程图代码嵌套过深或过长，未执行：请拆分（{_excerpt(source)}）"


def _excerpt(source: str) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= 60 else flat[:57] + "…"


_OP_GUARDS = {
    ast.Add: "__jt_add",
    ast.Mult: "__jt_mul",
    ast.Pow: "__jt_pow",
    ast.LShift: "__jt_lshift",
    ast.Mod: "__jt_mod",
}


def _call(guard: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=guard, ctx=ast.Load()), args=list(args), keywords=[])


class _Instrument(ast.NodeTransformer):
    """Route every loop and every operator that can build a large value through a guard."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        guard = _OP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        return ast.copy_location(_call(guard, node.left, node.right), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        guard = _OP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        current = copy.deepcopy(node.target)
        current.ctx = ast.Load()
        return ast.copy_location(
            ast.Assign(targets=[node.target], value=_call(guard, current, node.value)), node
        )

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        node.iter = _call("__jt_iter", node.iter)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.iter = _call("__jt_iter", node.iter)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        spec = node.format_spec or ast.Constant(value="")
        value = _call("__jt_format", node.value, spec, ast.Constant(value=node.conversion))
        return ast.copy_location(ast.FormattedValue(value=value, conversion=-1), node)

    def _sized(self, node: ast.expr) -> ast.AST:
        self.generic_visit(node)
        return ast.copy_location(_call("__jt_sized", node), node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return self._sized(node)

    def visit_List(self, node: ast.List) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and any(isinstance(e, ast.Starred) for e in node.elts):
            return self._sized(node)
        return self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        return self.visit_List(node)  # type: ignore[arg-type]

    def visit_Set(self, node: ast.Set) -> ast.AST:
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return self._sized(node)
        return self.generic_visit(node)
