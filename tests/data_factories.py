"""Builders for catalogue tests: the demo's data administrators registered, a valid entry."""

from __future__ import annotations

from typing import Any

from engine.catalogue_demo import register_administrators
from engine.service import Jtflow


def registered(jtflow: Jtflow) -> Jtflow:
    """The demo users' data administrators registered with the center (O5)."""
    with jtflow.sessions() as session:
        register_administrators(session, jtflow.clock.now())
        session.commit()
    return jtflow


def entry(**changes: Any) -> dict[str, Any]:
    """A valid catalogue entry as a form or file gives it (names, not codes), changed by `changes`."""
    return {
        "category": "公共交通实时/实时位置",
        "name": "公交车辆实时GPS位置",
        "data_format": "JSON",
        "attribute": "动态数据",
        "update_period": "实时",
        "share_type": "有条件共享",
        "share_scope": "政务部门",
        "share_modes": "接口交换",
        "usage_requirements": "仅用于交通运行监测",
        "source_system": "公交智能调度系统",
        **changes,
    }
