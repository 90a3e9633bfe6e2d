"""`jtflow demo`'s catalogue: a data administrator per providing unit registered with the
center (O5), the center's 数据资源管理岗, and a realistic 《厦门市交通信息资源目录》 with an
entry in every D2 leaf from every providing unit — mostly published, a few drafts and
submitted ones waiting for review, a few overdue for their 更新时限. The entries come from
catalogue_demo.csv, imported by each unit as a unit would import its own file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .data import administrators, catalogue
from .data.administrators import CATALOGUE_POST
from .data.catalogue_file import import_rows, read_file
from .data.categories import CATEGORIES, category_of
from .models import Resource
from .people.reference import ORGANISATIONS
from .people.users import get_user
from .service import Jtflow

DATA_ROLE = "数据资源管理员"
# The providing units' data administrators, by unit: username and name.
DATA_USERS = {
    "CENTER": ("center_data", "蔡数据（监测中心数据资源管理员）"),
    "TRANSPORT_DEV": ("transport_data", "柯数据（运输中心数据资源管理员）"),
    "HIGHWAY_DEV": ("highway_data", "洪数据（公路中心数据资源管理员）"),
    "BUS_GROUP": ("bus_data", "庄数据（公交集团数据资源管理员）"),
    "METRO_BRT": ("brt_data", "曾数据（轨道集团数据资源管理员）"),
    "ROAD_BRIDGE": ("roadbridge_data", "苏数据（路桥集团数据资源管理员）"),
    "ENFORCEMENT": ("enforcement_data", "叶数据（执法支队数据资源管理员）"),
    "DISTRICT_SIMING": ("siming_data", "卢数据（思明区数据资源管理员）"),
    "DISTRICT_HULI": ("huli_data", "傅数据（湖里区数据资源管理员）"),
    "DISTRICT_JIMEI": ("jimei_data", "谢数据（集美区数据资源管理员）"),
    "DISTRICT_HAICANG": ("haicang_data", "邱数据（海沧区数据资源管理员）"),
    "DISTRICT_TONGAN": ("tongan_data", "颜数据（同安区数据资源管理员）"),
    "DISTRICT_XIANGAN": ("xiangan_data", "戴数据（翔安区数据资源管理员）"),
}
REVIEWER = "c_data"
CATALOGUE_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (REVIEWER, "许目录（数据资源管理岗）", "CENTER", (CATALOGUE_POST,)),
    *((user, name, unit, (DATA_ROLE,)) for unit, (user, name) in DATA_USERS.items()),
)

# The catalogue itself, as a unit would import it (engine.data.catalogue_file), with a
# 状态 column saying how far each entry has come: 草稿, 待审核 or 已发布.
CATALOGUE_FILE = Path(__file__).with_name("catalogue_demo.csv")
OVERDUE = {"公交IC卡刷卡明细", "长途客运站班次及售票数据", "物流园区车辆进出数据"}


def demo_rows() -> list[list[str]]:
    """The demo catalogue's rows, the header first."""
    return read_file(CATALOGUE_FILE.read_bytes(), "csv")


def check_demo_catalogue() -> None:
    """Every D2 leaf and every providing unit has an entry (a test calls this)."""
    header, *rows = demo_rows()
    leaves = {category_of(r[header.index("分类")]) for r in rows}
    units = {r[header.index("提供部门")] for r in rows}
    assert {c.code for c in leaves if c} == set(CATEGORIES), leaves
    names = {code: name for code, name, _ in ORGANISATIONS}
    assert units == {names[u] for u in administrators.PROVIDING_UNITS}, units


def register_administrators(session: Session, now: datetime) -> None:
    """The demo's data administrators, registered by the center's post (O5)."""
    reviewer = get_user(session, REVIEWER)
    for unit, (username, _) in DATA_USERS.items():
        if administrators.in_office(session, unit) is None:
            phone = f"0592-{5_550_000 + sum(map(ord, username)):07d}"
            administrators.register(
                session, reviewer, now, unit_code=unit, username=username, phone=phone
            )


def seed_catalogue(jtflow: Jtflow) -> Iterator[str]:
    """Register the administrators and write the catalogue, once (a second run adds nothing)."""
    clock: Any = jtflow.clock  # the demo's FakeClock, set back three weeks and moved along
    with jtflow.sessions() as session:
        if session.scalar(select(Resource.id).limit(1)) is not None:
            yield "演示资源目录：已存在，未重复添加"
            return
        reviewer = get_user(session, REVIEWER)
        register_administrators(session, clock.now())
        session.commit()
        now = clock.now()
        clock.set(now - timedelta(days=21))  # written and published three weeks ago
        header, *rows = demo_rows()
        unit_of = {name: code for code, name, _ in ORGANISATIONS}
        by_unit: dict[str, list[list[str]]] = {}
        for row in rows:
            by_unit.setdefault(unit_of[row[header.index("提供部门")]], []).append(row)
        for unit, unit_rows in by_unit.items():  # each unit imports its own entries
            maker = get_user(session, DATA_USERS[unit][0])
            import_rows(session, maker, clock.now(), [header, *unit_rows])
            clock.advance(minutes=7)
        counts = {"published": 0, "submitted": 0, "draft": 0}
        fresh = []
        status_at = header.index("状态")
        for row in rows:
            category = category_of(row[0])
            assert category is not None
            resource = session.scalars(
                select(Resource).where(Resource.category == category.code, Resource.name == row[1])
            ).one()
            maker = get_user(session, DATA_USERS[resource.provider_unit][0])
            if row[status_at] != "草稿":
                catalogue.submit(session, maker, clock.now(), resource.id)
            if row[status_at] == "已发布":
                catalogue.publish(session, reviewer, clock.now(), resource.id)
                if resource.name not in OVERDUE:
                    fresh.append((maker, resource.id))
            counts[resource.status] += 1
            clock.advance(minutes=3)
        clock.set(now - timedelta(minutes=30))  # the providers refreshed their data lately
        for maker, resource_id in fresh:
            catalogue.record_data_update(session, maker, clock.now(), resource_id)
        clock.set(now)
        session.commit()
    yield (
        f"演示资源目录：{len(rows)} 条（已发布 {counts['published']}、待审核 "
        f"{counts['submitted']}、草稿 {counts['draft']}，其中 {len(OVERDUE)} 条超过更新时限）；"
        f"各单位数据资源管理员已登记，如 bus_data（公交集团）、roadbridge_data（路桥集团）；"
        f"监测中心数据资源管理岗 {REVIEWER}"
    )
