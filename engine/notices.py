"""Interface notices (SPEC §5 O1, O3): a unit tells the center that a data interface will
stop for an upgrade, or that a fault or force majeure broke its data; the case of
processes/interface_notice.bpmn follows the repair, its confirmation and the back-fill.

This module checks what a notice may say before its case starts (the unit's own published
resources, the instants it names) and records on it whether it came in time — the
standard's own lead times, counted on the working-day calendar — so a late notice is
accepted, shown and counted (A2), never refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import FieldError, InvalidInput, PermissionDenied
from .models import Instance, Resource, User
from .people.starting import may_file_notice
from .people.users import get_user
from .run.spiff import utc_iso
from .service import CaseRef, Jtflow
from .time.calendar import WorkingCalendar
from .time.clock import parse_instant

PROCESS = "interface_notice"
FORM = "interface_notice"
KINDS = {"upgrade": "系统升级等计划停用", "fault": "系统故障", "force_majeure": "不可抗力数据问题"}
UPGRADE_LEAD_WD = 3  # O1: a stop for an upgrade is notified 3 working days before
FAULT_NOTICE_WD = 1  # O1, O3: a fault or force majeure within 1 working day of discovery


@dataclass(frozen=True)
class Timeliness:
    """Whether a notice came in time: `deadline` is, for an upgrade, the earliest stop it
    could announce on time; for a fault, the latest instant to notify."""

    late: bool
    deadline: datetime
    provisional: bool
    rule: str


def timeliness(
    calendar: WorkingCalendar, kind: str, notified_at: datetime, instants: dict[str, datetime]
) -> Timeliness:
    if kind == "upgrade":
        earliest = calendar.add_working_days(notified_at, UPGRADE_LEAD_WD)
        late = instants["stop_at"] < earliest.at
        return Timeliness(late, earliest.at, earliest.provisional, "O1")
    due = calendar.add_working_days(instants["discovered_at"], FAULT_NOTICE_WD)
    return Timeliness(
        notified_at > due.at, due.at, due.provisional, "O1" if kind == "fault" else "O3"
    )


def file_notice(jtflow: Jtflow, form: dict[str, Any], *, filer: str) -> CaseRef:
    """报送通知: check the notice and start its case; a late one is accepted and marked."""
    jtflow.forms.validate(FORM, form)
    with jtflow.sessions() as session:
        user = get_user(session, filer)
        if not may_file_notice(user):
            raise PermissionDenied(
                f"{filer} 不能报送接口通知：由数据提供单位的数据资源管理员、办理人或单位领导"
                "报送本单位接口的通知（S1、O1）"
            )
        resources = _own_resources(session, user, form["resource_ids"])
        instants = _instants(form)
        now = jtflow.clock.now()
        timely = timeliness(jtflow.calendar, form["kind"], now, instants)
        facts = {
            **form,
            **{name: utc_iso(at) for name, at in instants.items()},
            "planned_resume": utc_iso(instants["planned_resume"])
            if "planned_resume" in instants
            else None,
            "title": f"接口通知：{form['interface_name'].strip()}",
            "channel": PROCESS,
            "urgency": "normal",
            "kind_name": KINDS[form["kind"]],
            "resource_names": [r.name for r in resources],
            "reporter": user.username,
            "reporter_unit": user.unit_code,
            "notice_late": timely.late,
            "notice_deadline": utc_iso(timely.deadline),
            "notice_deadline_provisional": timely.provisional,
            "notice_rule": timely.rule,
        }
    return jtflow.start_case(PROCESS, facts, starter=filer)


def _own_resources(session: Session, user: User, ids: list[int]) -> list[Resource]:
    """The unit's own published catalogue entries: a unit notifies for its own interfaces."""
    rows = {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(ids)))}
    for id in ids:
        row = rows.get(id)
        if row is None or row.status != "published":
            message = f"资源 {id} 不是资源目录中已发布的资源：请从本单位已发布的资源中选择"
            raise InvalidInput(message, [FieldError("resource_ids", message)])
        if row.provider_unit != user.unit_code:
            raise PermissionDenied(
                f"「{row.name}」不是本单位提供的资源：接口通知由提供该资源的单位报送（S1、O1）"
            )
    return [rows[id] for id in ids]


def _instants(form: dict[str, Any]) -> dict[str, datetime]:
    """The notice's instants as aware UTC; an upgrade resumes after it stops."""
    instants: dict[str, datetime] = {}
    for name in ("stop_at", "planned_resume", "discovered_at"):
        if name in form:
            try:
                instants[name] = parse_instant(form[name])
            except ValueError as e:
                raise InvalidInput(str(e), [FieldError(name, str(e))]) from None
    if form["kind"] == "upgrade" and instants["planned_resume"] <= instants["stop_at"]:
        message = "计划恢复时间应晚于计划停用时间：请修改计划恢复时间"
        raise InvalidInput(message, [FieldError("planned_resume", message)])
    return instants


def open_notices(session: Session) -> list[Instance]:
    """The notices not yet ended: their resources are interrupted (中断) in the catalogue."""
    query = select(Instance).where(Instance.channel == PROCESS, Instance.status == "running")
    return list(session.scalars(query))


def interrupted(session: Session) -> dict[int, list[str]]:
    """Resource id → the case numbers of the open notices naming it."""
    found: dict[int, list[str]] = {}
    for case in open_notices(session):
        for id in (case.facts or {}).get("resource_ids", []):
            found.setdefault(int(id), []).append(str(case.case_no))
    return found


def notices_of_unit(
    session: Session, unit: str | None, *, late: bool | None = None
) -> list[Instance]:
    """A unit's notices, newest first (None: every unit's, for the center and auditors);
    `late` keeps only the late ones (or only those in time), e.g. for A2."""
    query = select(Instance).where(Instance.channel == PROCESS)
    if unit is not None:
        query = query.where(Instance.facts["reporter_unit"].as_string() == unit)
    rows = list(session.scalars(query.order_by(Instance.id.desc()).limit(500)))
    if late is None:
        return rows
    return [case for case in rows if bool((case.facts or {}).get("notice_late")) is late]


def resources_to_notify(session: Session, user: User) -> list[Resource]:
    """The unit's published entries, by name: what its notice may name."""
    query = select(Resource).where(
        Resource.provider_unit == user.unit_code, Resource.status == "published"
    )
    return list(session.scalars(query.order_by(Resource.name).limit(1000)))
