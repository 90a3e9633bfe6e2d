"""The catalogue's codes by name for its pages (D1, D2): categories, fields, closed lists,
statuses and change-log actions, in Chinese as the engine names them; templates pass each
through `translated` for the reader's language (messages.po holds the English)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.data.catalogue import STATUSES
from engine.data.categories import TREE, category_name
from engine.data.fields import (
    ATTRIBUTES,
    FIELD_NAMES,
    FIELDS,
    SHARE_MODES,
    SHARE_TYPES,
    UPDATE_PERIODS,
)
from engine.time.clock import SHANGHAI

ACTIONS = {
    "created": "新增",
    "edited": "修改",
    "submitted": "提交审核",
    "published": "发布",
    "returned": "退回",
    "data_updated": "登记数据更新",
    "source_settled": "明确唯一来源",  # a 校核 that settled conflicting sources (D7)
}
CHOICE_FIELDS = {
    "attribute": ATTRIBUTES,
    "update_period": UPDATE_PERIODS,
    "share_type": SHARE_TYPES,
    "status": STATUSES,
}


def value_name(field: str, value: Any) -> str:
    """A stored value as the reader sees it: a name for a code, a list joined with 、."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "data_updated_at":  # the change log keeps it as ISO 8601 text
        return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if field == "category":
        return str(category_name(value))
    if field == "share_modes":
        return "、".join(SHARE_MODES.get(m, m) for m in value)
    if field in CHOICE_FIELDS:
        return CHOICE_FIELDS[field].get(value, value)
    return str(value)


def for_catalogue_templates() -> dict[str, Any]:
    return {
        "category_tree": TREE,
        "category_name": category_name,
        "catalogue_fields": FIELDS,
        "field_names": {**FIELD_NAMES, "status": "状态", "data_updated_at": "数据更新时间"},
        "attributes": ATTRIBUTES,
        "update_periods": UPDATE_PERIODS,
        "share_types": SHARE_TYPES,
        "share_modes": SHARE_MODES,
        "resource_statuses": STATUSES,
        "change_actions": ACTIONS,
        "value_name": value_name,
    }
