"""Who reads the assessment (S1, A5): the center's 数据分析岗, 局办公室, the bureau's leaders
and auditors read every unit's figures; a unit's leader (单位领导) reads its own unit's;
everyone else is refused (a PermissionDenied the caller logs)."""

from __future__ import annotations

from ..errors import PermissionDenied
from ..models import User
from ..people.access_rule import CENTER, reads_everything

ANALYST = "数据分析岗"
UNIT_LEADER = "单位领导"
OFFICE = "BUREAU_OFFICE"
LEADERS_UNIT = "BUREAU_LEADER"
DEPUTY = "分管领导"


def reads_all_units(user: User) -> bool:
    roles = set(user.roles or [])
    return (
        reads_everything(user)
        or (user.unit_code == CENTER and ANALYST in roles)
        or user.unit_code in (OFFICE, LEADERS_UNIT)
        or DEPUTY in roles
    )


def readable_unit(user: User, unit: str | None) -> str | None:
    """The unit the user may see figures of: `unit` (None: every unit) if allowed; a unit
    leader asking for every unit gets their own. Refused: PermissionDenied."""
    if reads_all_units(user):
        return unit
    if UNIT_LEADER in (user.roles or []):
        if unit in (None, user.unit_code):
            return user.unit_code
        raise PermissionDenied(
            f"{user.username} 是 {user.unit_code} 的单位领导，只能查看本单位的考核评价（S1）"
        )
    raise PermissionDenied(
        f"{user.username} 无权查看考核评价：仅限监测中心数据分析岗、局办公室、局领导、"
        "审计员，以及各单位领导查看本单位（S1）"
    )


def reads_assessment(user: User) -> bool:
    """Whether the assessment is anything of the user's: every unit's, or their own unit's."""
    return reads_all_units(user) or UNIT_LEADER in (user.roles or [])


def assessment_is_home(user: User) -> bool:
    """The center's analysts have no inbox work (no step is theirs): they land on the
    assessment when they sign in."""
    roles = set(user.roles or [])
    return user.unit_code == CENTER and bool(roles) and roles <= {ANALYST}
