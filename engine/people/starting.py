"""Who may start which process (S1): the start page offers a person exactly these.

- An event (E1, E11): whoever may report on some channel (access_rule.report_channels).
- A sharing request (D3–D5): a person of a government unit — every unit but the external
  applicants' — working its data: a 办理人, a 数据资源管理员 or a unit leader.
- A market application (M1): an external applicant (a university, institute or company).
- An interface notice (O1, O3): a data-providing unit (not the center it notifies) for its
  own interfaces: a 办理人, a 数据资源管理员 or a unit leader.
- A change of duty or policy whose new knowledge is due (O2): a unit's 办理人, 数据资源管理员 or
  leader for its own unit, or the center's 投诉受理岗 naming the unit.

An auditor starts nothing.
"""

from __future__ import annotations

from ..models import User
from .access_rule import CENTER, reads_everything, report_channels

EXTERNAL = "EXTERNAL"
SHARING_ROLES = ("办理人", "数据资源管理员", "单位领导")
APPLICANT = "外部申请人"
KNOWLEDGE_POST = "投诉受理岗"  # the center's 12328 seats keep the knowledge base (O2)


def may_request_sharing(user: User) -> bool:
    roles = user.roles or []
    return (
        user.active
        and not reads_everything(user)
        and user.unit_code != EXTERNAL
        and any(role in roles for role in SHARING_ROLES)
    )


def may_apply_to_market(user: User) -> bool:
    return user.active and user.unit_code == EXTERNAL and APPLICANT in (user.roles or [])


def may_file_notice(user: User) -> bool:
    return (
        user.active
        and not reads_everything(user)
        and user.unit_code not in (CENTER, EXTERNAL)
        and not user.unit_code.startswith("BUREAU")  # the bureau's offices run no interfaces
        and any(role in (user.roles or []) for role in SHARING_ROLES)
    )


def may_report_change(user: User) -> bool:
    if not user.active or reads_everything(user) or user.unit_code == EXTERNAL:
        return False
    roles = user.roles or []
    if user.unit_code == CENTER:
        return KNOWLEDGE_POST in roles
    return any(role in roles for role in SHARING_ROLES)


def startable_processes(user: User) -> list[str]:
    """The processes the user may start, in the order the start page lists them."""
    rules = {
        "event_lifecycle": bool(report_channels(user)) and user.active,
        "sharing_request": may_request_sharing(user),
        "market_application": may_apply_to_market(user),
        "interface_notice": may_file_notice(user),
        "knowledge_revision": may_report_change(user),
    }
    return [process for process, allowed in rules.items() if allowed]
