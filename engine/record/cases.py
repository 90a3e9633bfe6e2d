"""Reporting an event (报送): who may report on which channel, and the facts a case starts with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..definitions.forms import FormRegistry
from ..models import User
from ..people.access_rule import check_reporter
from ..run.spiff import utc_iso
from ..time.clock import SHANGHAI, parse_instant


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


# Each process's cases are numbered with their own letters, so a number says what it is:
# an event (事件), a sharing request (共享), a market application (市场) or an interface
# notice (通知).
CASE_PREFIX = {
    "sharing_request": "GX",
    "market_application": "SC",
    "interface_notice": "TZ",
    "knowledge_revision": "ZS",  # 知识库 (O2)
}


def case_number(instance_id: int, created_at: datetime, process: str | None = None) -> str:
    """E.g. JT20261124-000042: the process's letters, the local date the case began and a
    unique serial. Events have no `process` in their facts and are JT."""
    prefix = CASE_PREFIX.get(process or "", "JT")
    return f"{prefix}{created_at.astimezone(SHANGHAI):%Y%m%d}-{instance_id:06d}"
