"""D1's eleven fields: their Chinese names, the closed lists some take, and the check of an
entry as typed, each problem named by its field in Chinese with what to write instead.

Closed-list fields store a code and are shown (and written in files) by name; a value is
read back by either. The providing unit (提供部门) is not typed: it is the maintainer's own
unit (one data, one source), so it is checked by the catalogue service, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import FieldError, InvalidInput
from .categories import CATEGORIES, category_of

# D1's fields in the standard's order (第三节 2): the row attribute and its name.
FIELDS: tuple[tuple[str, str], ...] = (
    ("category", "分类"),
    ("name", "名称"),
    ("provider_unit", "提供部门"),
    ("data_format", "格式"),
    ("attribute", "属性"),
    ("update_period", "更新时限"),
    ("share_type", "共享类型"),
    ("share_scope", "共享范围"),
    ("share_modes", "共享方式"),
    ("usage_requirements", "使用要求"),
    ("source_system", "来源系统"),
)
FIELD_NAMES = dict(FIELDS)

# 属性, by the retention classes of 第三节 3 (O4).
ATTRIBUTES = {"static": "静态基础数据", "dynamic": "动态数据", "media": "音视频数据"}
# 更新时限: how often the provider refreshes the data (engine.data.overdue says when late).
UPDATE_PERIODS = {
    "realtime": "实时",
    "daily": "每日",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "yearly": "每年",
    "on_change": "变更时更新",
}
SHARE_TYPES = {"unconditional": "无条件共享", "conditional": "有条件共享", "none": "不予共享"}
SHARE_MODES = {
    "api": "接口交换",
    "download": "文件下载",
    "browse": "在线浏览",
    "offline": "离线交换",
}
CHOICES: dict[str, dict[str, str]] = {
    "attribute": ATTRIBUTES,
    "update_period": UPDATE_PERIODS,
    "share_type": SHARE_TYPES,
}
LIMITS = {
    "name": 200,
    "data_format": 80,
    "share_scope": 200,
    "usage_requirements": 400,
    "source_system": 200,
}
EDITABLE = tuple(f for f, _ in FIELDS if f != "provider_unit")
CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Entry:
    """An entry's typed fields, checked: codes for the closed lists, text trimmed."""

    category: str
    name: str
    data_format: str
    attribute: str
    update_period: str
    share_type: str
    share_scope: str
    share_modes: tuple[str, ...]
    usage_requirements: str
    source_system: str

    def values(self) -> dict[str, Any]:
        return {f: list(v) if f == "share_modes" else v for f, v in self.__dict__.items()}


def code_of(table: dict[str, str], value: str) -> str | None:
    """A closed list's code from its code or its name."""
    value = value.strip()
    if value in table:
        return value
    return next((code for code, name in table.items() if name == value), None)


def modes_of(value: Any) -> list[str]:
    """共享方式 as given: a list, or one text separated by 、 , ; or spaces."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in re.split(r"[、,，;；\s]+", str(value or "")) if v]


def check_entry(given: dict[str, Any]) -> Entry:
    """The entry's fields checked together: InvalidInput lists every field's problem."""
    errors: list[FieldError] = []

    def problem(field: str, message: str) -> None:
        errors.append(FieldError(field, f"{FIELD_NAMES[field]}：{message}"))

    text: dict[str, str] = {}
    for field in ("name", "data_format", "share_scope", "usage_requirements", "source_system"):
        raw = given.get(field)
        value = "" if raw is None else str(raw).strip()
        if CONTROL.search(value):
            problem(field, "不能含换行、制表符等控制字符，请写成一行")
        elif len(value) > LIMITS[field]:
            problem(field, f"最多 {LIMITS[field]} 个字，现有 {len(value)} 个，请精简")
        text[field] = value
    for field, example in (
        ("name", "如：公交车辆实时位置"),
        ("data_format", "如：JSON、CSV、视频流"),
        ("source_system", "如：公交智能调度系统"),
    ):
        if not text[field] and not any(e.field == field for e in errors):
            problem(field, f"必填，{example}")

    category = category_of(str(given.get("category") or ""))
    if category is None:
        problem(
            "category",
            "请从 D2 的分类中选择一项，如：公共交通实时/实时位置（共 "
            f"{len(CATEGORIES)} 项，见资源目录的分类筛选）",
        )
    codes: dict[str, str | None] = {}
    for field, table in CHOICES.items():
        codes[field] = code_of(table, str(given.get(field) or ""))
        if codes[field] is None:
            problem(field, f"请填写 {'、'.join(table.values())} 之一")

    modes: list[str] = []
    for mode in modes_of(given.get("share_modes")):
        code = code_of(SHARE_MODES, mode)
        if code is None:
            problem(
                "share_modes", f"“{mode[:20]}”不是共享方式：可选 {'、'.join(SHARE_MODES.values())}"
            )
        elif code not in modes:
            modes.append(code)
    share_type = codes["share_type"]
    if share_type in ("unconditional", "conditional"):
        if not modes and not any(e.field == "share_modes" for e in errors):
            problem("share_modes", f"可共享的资源至少选一种：{'、'.join(SHARE_MODES.values())}")
        if not text["share_scope"] and not any(e.field == "share_scope" for e in errors):
            problem("share_scope", "可共享的资源须写明共享范围，如：政务部门")
    missing_terms = share_type == "conditional" and not text["usage_requirements"]
    if missing_terms and not any(e.field == "usage_requirements" for e in errors):
        problem("usage_requirements", "有条件共享须写明提供的条件（D4），如：仅用于交通运行分析")
    if share_type == "none" and modes:
        problem("share_modes", "不予共享的资源不提供共享方式：请清空共享方式或改共享类型")

    if errors:
        raise InvalidInput("资源目录条目有误：" + "；".join(e.message for e in errors), errors)
    assert category is not None
    return Entry(
        category=category.code,
        name=text["name"],
        data_format=text["data_format"],
        attribute=str(codes["attribute"]),
        update_period=str(codes["update_period"]),
        share_type=str(share_type),
        share_scope=text["share_scope"],
        share_modes=tuple(sorted(modes, key=list(SHARE_MODES).index)),
        usage_requirements=text["usage_requirements"],
        source_system=text["source_system"],
    )
