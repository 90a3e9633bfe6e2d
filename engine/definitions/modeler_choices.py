"""What the modeler's properties panel offers (issue 14): the units, roles, forms, deployed
processes and diagram functions this system knows — chosen from, never typed blind."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Definition
from ..people.reference import ORGANISATIONS, ROLES
from .element_names import process_name
from .forms import FormRegistry

# the published diagram functions (engine/run/diagram_functions.py), as an owner reads them;
# tests/engine/test_drafts.py keeps the names equal to PUBLISHED_NAMES
FUNCTIONS = (
    ("now", "now()", "当前时刻"),
    (
        "add_working_days",
        "add_working_days(start, days)",
        "从 start 起算 days 个工作日（按国家法定节假日与调休计算）",
    ),
    ("add_hours", "add_hours(start, hours)", "从 start 起算若干小时（自然时间）"),
    ("add_minutes", "add_minutes(start, minutes)", "从 start 起算若干分钟（自然时间）"),
    (
        "deadline",
        "deadline(start, rule)",
        '按时限规则计算截止时刻，规则如 "30m"（分钟）、"24h"（小时）、"5wd"（工作日）',
    ),
    (
        "within",
        "within(due, start, rule, share=None)",
        "不晚于从 start 起按 rule 计算的时限（来源平台时限）再减去 share（留给中心审核与答复）："
        "rule 为空时即 due",
    ),
    (
        "warn_at",
        "warn_at(start, due, fraction=0.8)",
        "黄灯时刻：从 start 到 due 的工作时间已用去 fraction（默认 80%）",
    ),
)

# what an end event may say the case became (its `case_status`)
CASE_STATUSES = ("archived", "returned", "recorded", "completed")


def choices(session: Session, forms: FormRegistry) -> dict[str, Any]:
    newest: dict[str, Definition] = {}
    for definition in session.scalars(select(Definition).order_by(Definition.version)):
        newest[definition.process_id] = definition
    return {
        "units": [{"code": code, "name": name} for code, name, _ in ORGANISATIONS],
        "roles": list(ROLES),
        "forms": [{"name": name, "title": _title(forms, name)} for name in forms.names()],
        "processes": [{"id": pid, "name": process_name(d)} for pid, d in sorted(newest.items())],
        "functions": functions(),
        "case_statuses": list(CASE_STATUSES),
    }


def functions() -> list[dict[str, str]]:
    return [{"name": n, "signature": sig, "doc": doc} for n, sig, doc in FUNCTIONS]


def _title(forms: FormRegistry, name: str) -> str:
    try:
        return str(forms.schema(name).get("title", name))
    except Exception:  # a broken form file is still offered by name, so it can be fixed
        return name
