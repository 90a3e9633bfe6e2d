"""`jtflow demo`'s catalogue: a data administrator per providing unit registered with the
center (O5), the center's 数据资源管理岗, and a realistic 《厦门市交通信息资源目录》 with an
entry in every D2 leaf from every providing unit — mostly published, a few drafts and
submitted ones waiting for review, a few overdue for their 更新时限."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .data import administrators, catalogue
from .data.administrators import CATALOGUE_POST
from .data.categories import CATEGORIES
from .models import Resource
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

_GOV = "全市交通运输行业管理单位及相关政务部门"
_ALL_GOV = "所有政务部门"
# (leaf, name, unit, format, attribute, period, share type, scope, modes, requirements, system)
RESOURCES: tuple[tuple[str, str, str, str, str, str, str, str, str, str, str], ...] = (
    (
        "transit.routes",
        "公交线路及站点基础信息",
        "BUS_GROUP",
        "JSON",
        "static",
        "on_change",
        "unconditional",
        _ALL_GOV,
        "api、download",
        "",
        "公交智能调度系统",
    ),
    (
        "transit.routes",
        "常规公交线网走向矢量数据",
        "BUS_GROUP",
        "SHP",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "公交线网GIS平台",
    ),
    (
        "transit.position",
        "公交车辆实时GPS位置",
        "BUS_GROUP",
        "JSON",
        "dynamic",
        "realtime",
        "conditional",
        _GOV,
        "api",
        "仅用于交通运行监测与出行信息服务，不得对外发布单车轨迹",
        "公交智能调度系统",
    ),
    (
        "transit.position",
        "BRT车辆实时位置",
        "METRO_BRT",
        "JSON",
        "dynamic",
        "realtime",
        "conditional",
        _GOV,
        "api",
        "仅用于运行监测分析",
        "BRT运营调度系统",
    ),
    (
        "transit.speed",
        "公交车辆实时速度",
        "BUS_GROUP",
        "JSON",
        "dynamic",
        "realtime",
        "conditional",
        _GOV,
        "api",
        "仅用于路况分析",
        "公交智能调度系统",
    ),
    (
        "transit.speed",
        "BRT高架通道断面车速",
        "METRO_BRT",
        "JSON",
        "dynamic",
        "realtime",
        "unconditional",
        _ALL_GOV,
        "api、browse",
        "",
        "BRT运营调度系统",
    ),
    (
        "transit.arrival",
        "公交到站预报数据",
        "BUS_GROUP",
        "JSON",
        "dynamic",
        "realtime",
        "unconditional",
        _ALL_GOV,
        "api",
        "",
        "掌上公交服务平台",
    ),
    (
        "transit.arrival",
        "BRT站点到站信息",
        "METRO_BRT",
        "JSON",
        "dynamic",
        "realtime",
        "unconditional",
        _ALL_GOV,
        "api",
        "",
        "BRT乘客信息系统",
    ),
    (
        "transit.vehicle",
        "公交营运车辆信息",
        "BUS_GROUP",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download、browse",
        "",
        "公交车辆技术管理系统",
    ),
    (
        "transit.vehicle",
        "BRT车辆及车载设备信息",
        "METRO_BRT",
        "XLSX",
        "static",
        "quarterly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "BRT设备管理系统",
    ),
    (
        "transit.card",
        "公交IC卡刷卡明细",
        "BUS_GROUP",
        "CSV",
        "dynamic",
        "daily",
        "conditional",
        "市交通运输局及监测中心",
        "offline",
        "涉及个人信息，须脱敏后提供；仅用于客流分析",
        "公交IC卡清分结算系统",
    ),
    (
        "transit.card",
        "BRT闸机刷卡客流统计",
        "METRO_BRT",
        "CSV",
        "dynamic",
        "daily",
        "conditional",
        _GOV,
        "download",
        "按站点小时汇总提供，不含卡号",
        "BRT自动售检票系统",
    ),
    (
        "passenger.coach",
        "道路客运班线及客车信息",
        "TRANSPORT_DEV",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download、browse",
        "",
        "道路运政管理信息系统",
    ),
    (
        "passenger.coach",
        "长途客运站班次及售票数据",
        "TRANSPORT_DEV",
        "CSV",
        "dynamic",
        "daily",
        "conditional",
        _GOV,
        "download",
        "仅用于客流研判，不得用于商业用途",
        "客运站联网售票系统",
    ),
    (
        "passenger.ship",
        "厦鼓航线客船基本信息",
        "TRANSPORT_DEV",
        "XLSX",
        "static",
        "quarterly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "水路运输管理系统",
    ),
    (
        "passenger.rail",
        "厦门站、厦门北站铁路到发客流",
        "CENTER",
        "CSV",
        "dynamic",
        "daily",
        "conditional",
        _GOV,
        "download",
        "源自铁路部门共享，仅限本市政务使用",
        "综合交通运行监测平台",
    ),
    (
        "passenger.flight",
        "高崎机场航班动态",
        "CENTER",
        "JSON",
        "dynamic",
        "realtime",
        "unconditional",
        _ALL_GOV,
        "api",
        "",
        "综合交通运行监测平台",
    ),
    (
        "freight.road",
        "道路货运企业及车辆信息",
        "TRANSPORT_DEV",
        "XLSX",
        "static",
        "monthly",
        "conditional",
        _GOV,
        "download",
        "涉及企业经营信息，仅用于行业监管",
        "道路运政管理信息系统",
    ),
    (
        "freight.road",
        "重点营运货车动态监控数据",
        "ENFORCEMENT",
        "JSON",
        "dynamic",
        "realtime",
        "conditional",
        "市交通运输局、监测中心、执法支队",
        "api",
        "仅用于安全监管与执法",
        "重点营运车辆联网联控系统",
    ),
    (
        "freight.water",
        "港口集装箱吞吐量月报",
        "TRANSPORT_DEV",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "水路运输管理系统",
    ),
    (
        "freight.rail",
        "铁路货运到发量统计",
        "CENTER",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "综合交通运行监测平台",
    ),
    (
        "freight.air",
        "航空货邮吞吐量统计",
        "CENTER",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "综合交通运行监测平台",
    ),
    (
        "freight.logistics_park",
        "物流园区车辆进出数据",
        "DISTRICT_HAICANG",
        "CSV",
        "dynamic",
        "daily",
        "conditional",
        _GOV,
        "download",
        "仅用于货运组织分析",
        "海沧物流园区管理系统",
    ),
    (
        "freight.logistics_park",
        "前场物流园区基础信息",
        "DISTRICT_HULI",
        "XLSX",
        "static",
        "yearly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "湖里区交通综合管理系统",
    ),
    (
        "highway.geo",
        "国省干线公路基础地理数据",
        "HIGHWAY_DEV",
        "SHP",
        "static",
        "yearly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "公路资产管理系统",
    ),
    (
        "highway.geo",
        "农村公路路网基础数据（同安区）",
        "DISTRICT_TONGAN",
        "SHP",
        "static",
        "yearly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "农村公路管理系统",
    ),
    (
        "highway.geo",
        "农村公路路网基础数据（翔安区）",
        "DISTRICT_XIANGAN",
        "SHP",
        "static",
        "yearly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "农村公路管理系统",
    ),
    (
        "highway.maintenance",
        "干线公路养护计划及实施情况",
        "HIGHWAY_DEV",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download、browse",
        "",
        "公路养护管理系统",
    ),
    (
        "highway.maintenance",
        "集美区县乡道养护记录",
        "DISTRICT_JIMEI",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download",
        "",
        "集美区公路养护系统",
    ),
    (
        "highway.occupation",
        "公路施工占道审批及实施信息",
        "HIGHWAY_DEV",
        "JSON",
        "dynamic",
        "daily",
        "unconditional",
        _ALL_GOV,
        "api、browse",
        "",
        "路政许可管理系统",
    ),
    (
        "highway.occupation",
        "思明区道路施工占道信息",
        "DISTRICT_SIMING",
        "JSON",
        "dynamic",
        "daily",
        "unconditional",
        _ALL_GOV,
        "api",
        "",
        "思明区交通综合管理系统",
    ),
    (
        "bridge_tunnel.geo",
        "四桥一隧结构及附属设施基础数据",
        "ROAD_BRIDGE",
        "SHP",
        "static",
        "yearly",
        "conditional",
        _GOV,
        "offline",
        "涉及桥隧结构安全，须签订保密协议",
        "桥隧养护管理系统",
    ),
    (
        "bridge_tunnel.checkpoint_video",
        "四桥一隧卡口过车数据",
        "ROAD_BRIDGE",
        "JSON",
        "dynamic",
        "realtime",
        "conditional",
        "市交通运输局、监测中心、公安交警",
        "api",
        "涉及车牌号码，仅用于交通运行监测",
        "进出岛卡口系统",
    ),
    (
        "bridge_tunnel.checkpoint_video",
        "四桥一隧视频监控",
        "ROAD_BRIDGE",
        "视频流（GB/T 28181）",
        "media",
        "realtime",
        "conditional",
        "市交通运输局、监测中心",
        "api、browse",
        "仅限指挥中心在线调看，不得录存外传",
        "桥隧视频监控平台",
    ),
    (
        "bridge_tunnel.checkpoint_video",
        "翔安隧道交通事件检测数据",
        "ROAD_BRIDGE",
        "JSON",
        "dynamic",
        "realtime",
        "unconditional",
        _ALL_GOV,
        "api",
        "",
        "隧道机电监控系统",
    ),
    (
        "bridge_tunnel.toll",
        "厦门大桥、海沧大桥通行收费流水",
        "ROAD_BRIDGE",
        "CSV",
        "dynamic",
        "daily",
        "conditional",
        "市交通运输局及监测中心",
        "offline",
        "涉及车辆及支付信息，须脱敏",
        "路桥收费管理系统",
    ),
    (
        "bridge_tunnel.toll",
        "四桥一隧分时段通行量统计",
        "ROAD_BRIDGE",
        "XLSX",
        "dynamic",
        "daily",
        "unconditional",
        _ALL_GOV,
        "download、browse",
        "",
        "路桥收费管理系统",
    ),
    (
        "enforcement.vehicles",
        "执法车辆实时位置",
        "ENFORCEMENT",
        "JSON",
        "dynamic",
        "realtime",
        "conditional",
        "市交通运输局、监测中心",
        "api",
        "仅用于执法调度",
        "交通执法指挥系统",
    ),
    (
        "enforcement.vehicles",
        "执法车辆配备台账",
        "ENFORCEMENT",
        "XLSX",
        "static",
        "quarterly",
        "none",
        "",
        "",
        "",
        "交通执法装备管理系统",
    ),
    (
        "enforcement.operating_vehicles",
        "出租汽车营运车辆档案",
        "ENFORCEMENT",
        "XLSX",
        "static",
        "monthly",
        "conditional",
        _GOV,
        "download",
        "涉及车主个人信息，仅用于行业监管",
        "交通执法综合管理系统",
    ),
    (
        "enforcement.operating_vehicles",
        "网约车车辆许可档案",
        "TRANSPORT_DEV",
        "XLSX",
        "static",
        "monthly",
        "conditional",
        _GOV,
        "download",
        "仅用于行业监管",
        "网约车监管平台",
    ),
    (
        "enforcement.enterprises",
        "道路运输经营企业档案",
        "ENFORCEMENT",
        "XLSX",
        "static",
        "monthly",
        "unconditional",
        _ALL_GOV,
        "download、browse",
        "",
        "交通执法综合管理系统",
    ),
    (
        "enforcement.practitioners",
        "道路运输从业人员资格档案",
        "ENFORCEMENT",
        "XLSX",
        "static",
        "monthly",
        "conditional",
        _GOV,
        "browse",
        "涉及个人信息，仅限在线核验",
        "从业人员资格管理系统",
    ),
    (
        "enforcement.practitioners",
        "交通执法案件处罚信息",
        "ENFORCEMENT",
        "XLSX",
        "static",
        "on_change",
        "none",
        "",
        "",
        "",
        "交通执法综合管理系统",
    ),
)
DRAFTS = {"农村公路路网基础数据（翔安区）", "执法车辆配备台账"}  # still being written
SUBMITTED = {"集美区县乡道养护记录", "前场物流园区基础信息", "网约车车辆许可档案"}
OVERDUE = {"公交IC卡刷卡明细", "长途客运站班次及售票数据", "物流园区车辆进出数据"}


def check_demo_catalogue() -> None:
    """Every D2 leaf and every providing unit has an entry (a test calls this)."""
    leaves = {r[0] for r in RESOURCES}
    units = {r[2] for r in RESOURCES}
    assert leaves == set(CATEGORIES), set(CATEGORIES) - leaves
    assert units == set(administrators.PROVIDING_UNITS), set(administrators.PROVIDING_UNITS) - units


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
        counts = {"published": 0, "submitted": 0, "draft": 0}
        fresh = []
        for row in RESOURCES:
            leaf, name, unit, fmt, attribute, period, share, scope, modes, terms, system = row
            maker = get_user(session, DATA_USERS[unit][0])
            resource = catalogue.create(
                session,
                maker,
                clock.now(),
                {
                    "category": leaf,
                    "name": name,
                    "data_format": fmt,
                    "attribute": attribute,
                    "update_period": period,
                    "share_type": share,
                    "share_scope": scope,
                    "share_modes": modes,
                    "usage_requirements": terms,
                    "source_system": system,
                },
            )
            if name not in DRAFTS:
                catalogue.submit(session, maker, clock.now(), resource.id)
            if name not in DRAFTS | SUBMITTED:
                catalogue.publish(session, reviewer, clock.now(), resource.id)
                if name not in OVERDUE:
                    fresh.append((maker, resource.id))
            counts[resource.status] += 1
            clock.advance(minutes=7)
        clock.set(now - timedelta(minutes=30))  # the providers refreshed their data lately
        for maker, resource_id in fresh:
            catalogue.record_data_update(session, maker, clock.now(), resource_id)
        clock.set(now)
        session.commit()
    yield (
        f"演示资源目录：{len(RESOURCES)} 条（已发布 {counts['published']}、待审核 "
        f"{counts['submitted']}、草稿 {counts['draft']}，其中 {len(OVERDUE)} 条超过更新时限）；"
        f"各单位数据资源管理员已登记，如 bus_data（公交集团）、roadbridge_data（路桥集团）；"
        f"监测中心数据资源管理岗 {REVIEWER}"
    )
