"""Diagram code is not trusted: the allow-list, and the deploy-time scan that applies it.

SpiffWorkflow evaluates scripts, conditions, timer expressions and DMN entries with
plain eval/exec. A diagram may only use names, literals, operators, comprehensions,
`if`/`for`, and calls to the published helpers or a few harmless builtins — no
imports, no attribute access (which also closes `().__class__.__mro__`), no names
starting with an underscore. Deploying checks every place this scan knows; at run
time engine/run/guarded_evaluator.py checks every evaluation again, wherever it comes from.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from typing import Any, Literal

from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

from ..errors import Problem

SAFE_BUILTINS = (
    "len",
    "min",
    "max",
    "sum",
    "sorted",
    "abs",
    "round",
    "int",
    "float",
    "str",
    "bool",
    "list",
    "dict",
    "set",
    "tuple",
    "any",
    "all",
    "range",
    "enumerate",
    "zip",
)

_ALLOWED = (
    ast.Module,
    ast.Expression,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.If,
    ast.For,
    ast.Pass,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.comprehension,
    ast.Subscript,
    ast.Slice,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Starred,
    ast.boolop,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
)

_REFUSED = {
    ast.Import: "不允许 import：流程图中的代码不能导入模块",
    ast.ImportFrom: "不允许 import：流程图中的代码不能导入模块",
    ast.Attribute: "不允许访问属性（a.b）：只能使用变量、常量、运算符和允许的函数",
    ast.Lambda: "不允许 lambda",
    ast.FunctionDef: "不允许定义函数",
    ast.ClassDef: "不允许定义类",
    ast.While: "不允许 while 循环（可能不结束）：请用 for",
}

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_EVAL_TAGS = {
    f"{{{BPMN}}}{t}"
    for t in (
        "conditionExpression",
        "condition",  # a conditional event's
        "formalExpression",  # a message correlation's retrieval expression
        "messagePath",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "loopCondition",
        "loopCardinality",
        "completionCondition",
    )
} | {f"{{{SPIFF}}}messagePayload", f"{{{SPIFF}}}expression"}  # expression: a correlation's
_EXEC_TAGS = {f"{{{BPMN}}}script", f"{{{SPIFF}}}preScript", f"{{{SPIFF}}}postScript"}


def check_source(
    source: str,
    *,
    mode: Literal["eval", "exec"],
    callables: Collection[str],
    file: str,
    element_id: str | None,
    line: int | None,
) -> list[Problem]:
    """Every way `source` steps outside the allow-list, located to the line."""
    base = line or 1

    def problem(message: str, node: ast.AST | None = None) -> Problem:
        offset = getattr(node, "lineno", 1) - 1
        return Problem(message, file, element_id, base + offset)

    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except SyntaxError as e:
        return [
            Problem(
                f"代码有语法错误：{e.msg}（{source.strip()[:60]}）",
                file,
                element_id,
                base + (e.lineno or 1) - 1,
            )
        ]
    allowed_calls = set(callables) | set(SAFE_BUILTINS)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            problems.append(problem(f"不允许使用以下划线开头的名字 {node.id}", node))
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                problems.append(problem("只能直接调用允许的函数（不能调用表达式的结果）", node))
            elif node.func.id not in allowed_calls:
                problems.append(
                    problem(
                        f"不允许调用 {node.func.id}()：可调用的函数只有 {'、'.join(sorted(allowed_calls))}",
                        node,
                    )
                )
        elif not isinstance(node, _ALLOWED) and not isinstance(node, ast.alias):  # alias: in import
            message = _REFUSED.get(type(node), f"不允许使用 {type(node).__name__} 语句或表达式")
            problems.append(problem(message, node))
    return problems


def scan_diagram(xml: bytes, *, file: str, callables: Collection[str]) -> list[Problem]:
    """Check every expression a BPMN or DMN file carries, as SpiffWorkflow will evaluate it."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as e:
        return [Problem(f"XML 格式错误：{e.msg}", file, None, e.lineno)]
    problems: list[Problem] = []

    def check(text: str | None, mode: Literal["eval", "exec"], element: Any) -> None:
        if text and text.strip():
            problems.extend(
                check_source(
                    text,
                    mode=mode,
                    callables=callables,
                    file=file,
                    element_id=_owner_id(element),
                    line=element.sourceline,
                )
            )

    if file.endswith(".dmn"):
        problems += _check_dmn_namespace(root, file)
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag in _EVAL_TAGS:
            check(element.text, "eval", element)
        elif tag in _EXEC_TAGS:
            check(element.text, "exec", element)
        elif tag == f"{{{SPIFF}}}property" and element.get("value", "").startswith("="):
            check(element.get("value")[1:], "eval", element)
        elif tag == f"{{{SPIFF}}}parameter":  # a service task's parameter: always evaluated
            check(element.get("value"), "eval", element)
        elif tag == f"{{{BPMN}}}serviceTask":
            problems.append(
                Problem(
                    "jtflow 不调用外部服务（serviceTask）：请改用用户任务或脚本任务",
                    file,
                    element.get("id"),
                    element.sourceline,
                )
            )
        elif etree.QName(element).localname == "decisionTable":
            _scan_decision_table(element, check)
    return sorted(problems, key=lambda p: p.line or 0)


def _check_dmn_namespace(root: Any, file: str) -> list[Problem]:
    """SpiffWorkflow validates a DMN file against its schema only in the namespaces it
    knows; in another it reads elements by name unchecked, so such a file is refused."""
    namespace = root.nsmap.get(None) or root.nsmap.get("dmn")
    if namespace in DMN_SCHEMAS:
        return []
    known = "、".join(sorted(DMN_SCHEMAS))
    return [
        Problem(
            f"DMN 命名空间 {namespace} 无法校验：请使用 DMN 1.3（{known} 之一）",
            file,
            root.get("id"),
            root.sourceline,
        )
    ]


def _children(element: Any, suffix: str) -> list[Any]:
    """Child elements as SpiffWorkflow's DMN parser finds them: by how the tag ends."""
    return [c for c in element if isinstance(c.tag, str) and c.tag.endswith(suffix)]


def _scan_decision_table(table: Any, check: Any) -> None:
    """DMN cells as SpiffWorkflow 3.2.0 evaluates them: `-` or empty matches anything; an
    entry that parses alone is compared with `(input) == (entry)`; otherwise the input
    expression and the entry are concatenated (e.g. `urgency` + ` in ["a", "b"]`).
    Elements are matched by the end of their tag, in any namespace, as SpiffWorkflow does."""
    inputs = []
    for column in _children(table, "input"):
        texts = [t for e in _children(column, "inputExpression") for t in _children(e, "text")]
        for text in texts:
            check(text.text, "eval", text)
        inputs.append(texts[-1].text or "" if texts else "")
    for rule in _children(table, "rule"):
        for index, entry in enumerate(_children(rule, "inputEntry")):
            for text in _children(entry, "text"):
                raw = (text.text or "").replace("?", "dmninputexpr")
                if raw.strip() in ("", "-"):
                    continue
                try:
                    ast.parse(raw.strip(), mode="eval")
                except SyntaxError:
                    raw = (inputs[index] if index < len(inputs) else "") + raw
                check(raw, "eval", text)
        for entry in _children(rule, "outputEntry"):
            for text in _children(entry, "text"):
                check(text.text, "eval", text)


def _owner_id(element: Any) -> str | None:
    """The element a problem is shown on: the nearest one with an id that a diagram draws
    (a timer's event, not its timerEventDefinition, which the modeler has no shape for)."""
    while element is not None:
        drawn = not etree.QName(element).localname.endswith("EventDefinition")
        if element.get("id") and drawn:
            return str(element.get("id"))
        element = element.getparent()
    return None
