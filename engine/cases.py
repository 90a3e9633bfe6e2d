"""Reporting an event (报送): who may report on which channel, and the facts a case starts with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .clock import SHANGHAI, parse_instant
from .errors import PermissionDenied
from .forms import FormRegistry
from .models import User
from .reference import CENTER_POSTS, HANDLING_UNITS, INTAKE_POST
from .spiff import utc_iso


def check_reporter(user: User, channel: str) -> None:
    """Central channels are reported by the center's posts; patrol events by a handling unit (E11)."""
    if channel == "patrol":
        if user.unit_code not in HANDLING_UNITS or "办理人" not in user.roles:
            raise PermissionDenied(
                f"巡检事件由业务单位的办理人报送；{user.username} 不是业务单位办理人（E11）"
            )
        return
    if user.unit_code != "CENTER" or not set(user.roles) & set(CENTER_POSTS):
        raise PermissionDenied(
            f"统一监测事件由监测中心各岗位报送；{user.username} 不在监测中心岗位上（E1）"
        )
    post = INTAKE_POST[channel]
    if post not in user.roles and "投诉受理岗" not in user.roles:
        raise PermissionDenied(f"{channel} 渠道的事件由{post}报送；{user.username} 不在该岗位上")


def case_facts(forms: FormRegistry, report: dict[str, Any], reporter: User) -> dict[str, Any]:
    """Validate the report (forms/report_event.json) and return the workflow's starting data."""
    forms.validate("report_event", report)
    check_reporter(reporter, report["channel"])
    facility = report["facility"]
    return {
        **report,
        "discovered_at": utc_iso(parse_instant(report["discovered_at"])),
        "facility_type": facility["type"],
        "facility_name": facility["name"],
        "reporter": reporter.username,
        "reporter_unit": reporter.unit_code,
    }


def case_number(instance_id: int, created_at: datetime) -> str:
    """E.g. JT20261124-000042: the local date it was reported and a unique serial."""
    return f"JT{created_at.astimezone(SHANGHAI):%Y%m%d}-{instance_id:06d}"
