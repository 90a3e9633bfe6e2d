"""O5: the register of each unit's data administrator (数据资源管理员), kept by the center.

The center's 数据资源管理岗 registers one administrator per providing unit; a change of
staff ends the one in office, with its reason, and registers the successor in the same
transaction, so the register always names at most one per unit and keeps every earlier one.
The one in office is who maintains the unit's catalogue entries (engine.data.catalogue).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput, PermissionDenied
from ..models import DataAdministrator, Organisation, User
from ..people.access_rule import CENTER, reads_everything

CATALOGUE_POST = "数据资源管理岗"  # the center's post that runs the catalogue (第三节 1.2)
# 第三节 1.3's 交通各行业管理单位, and the center with its own monitoring data.
PROVIDING_UNITS = (
    "CENTER",
    "TRANSPORT_DEV",
    "HIGHWAY_DEV",
    "BUS_GROUP",
    "METRO_BRT",
    "ROAD_BRIDGE",
    "ENFORCEMENT",
    "DISTRICT_SIMING",
    "DISTRICT_HULI",
    "DISTRICT_JIMEI",
    "DISTRICT_HAICANG",
    "DISTRICT_TONGAN",
    "DISTRICT_XIANGAN",
)


def is_catalogue_post(user: User) -> bool:
    """The center's 数据资源管理岗, on an active account."""
    return user.active and user.unit_code == CENTER and CATALOGUE_POST in (user.roles or [])


def check_catalogue_post(user: User, doing: str) -> None:
    if reads_everything(user) or not is_catalogue_post(user):
        raise PermissionDenied(
            f"{doing}由监测中心数据资源管理岗办理；{user.username} 不在该岗位上（O5、D1）"
        )


def in_office(session: Session, unit_code: str) -> DataAdministrator | None:
    return session.scalar(
        select(DataAdministrator).where(
            DataAdministrator.unit_code == unit_code, DataAdministrator.ended_at.is_(None)
        )
    )


def administers(session: Session, user: User, unit_code: str) -> bool:
    """Whether the user is the unit's data administrator in office, on an active account."""
    if not user.active or user.unit_code != unit_code:
        return False
    current = in_office(session, unit_code)
    return current is not None and current.username == user.username


def register(
    session: Session,
    actor: User,
    now: datetime,
    *,
    unit_code: str,
    username: str,
    phone: str = "",
    reason: str = "",
) -> DataAdministrator:
    """Register `username` as the unit's data administrator. When one is in office this is
    a change of staff: `reason` is required, and the one in office is ended with it."""
    check_catalogue_post(actor, "登记数据资源管理员")
    errors: list[FieldError] = []
    unit = session.get(Organisation, unit_code)
    if unit is None or unit_code not in PROVIDING_UNITS:
        errors.append(FieldError("unit_code", "单位：请选择一个数据提供单位"))
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        errors.append(FieldError("username", f"用户名：{username or '（空）'} 不存在或已停用"))
    elif unit is not None and user.unit_code != unit_code:
        errors.append(
            FieldError("username", f"用户名：{username} 不属于{unit.name}，请填本单位的人员")
        )
    phone, reason = phone.strip(), reason.strip()
    if len(phone) > 40:
        errors.append(FieldError("phone", "联系电话：最多 40 个字符"))
    current = in_office(session, unit_code) if unit is not None else None
    if current is not None and current.username == username:
        errors.append(FieldError("username", f"用户名：{username} 已是该单位在任的数据资源管理员"))
    elif current is not None and not reason:
        errors.append(
            FieldError("reason", f"变更原因：该单位在任的是 {current.username}，人员变更须写明原因")
        )
    if len(reason) > 200:
        errors.append(FieldError("reason", "变更原因：最多 200 个字"))
    if errors:
        raise InvalidInput("未能登记：" + "；".join(e.message for e in errors), errors)
    if current is not None:
        current.ended_at, current.ended_by, current.end_reason = now, actor.username, reason
        session.flush()  # the one in office ends before the next starts
    added = DataAdministrator(
        unit_code=unit_code,
        username=username,
        phone=phone,
        registered_at=now,
        registered_by=actor.username,
    )
    session.add(added)
    session.flush()
    return added


def register_rows(session: Session, unit_code: str | None = None) -> list[DataAdministrator]:
    """The register with its history: by unit, then newest first."""
    query = select(DataAdministrator).order_by(
        DataAdministrator.unit_code,
        DataAdministrator.registered_at.desc(),
        DataAdministrator.id.desc(),
    )
    if unit_code is not None:
        query = query.where(DataAdministrator.unit_code == unit_code)
    return list(session.scalars(query))
