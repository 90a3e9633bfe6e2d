"""SPEC §1: the organisations, the center's posts and the other roles.

Diagrams name units and roles from here; deployment refuses any other.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Organisation

ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("BUREAU", "厦门市交通运输局", "标准的制定与组织实施"),
    ("BUREAU_OFFICE", "局办公室", "紧急事件督办、协调转办、职责确认"),
    ("BUREAU_LEGAL", "法规处", "确认事件是否属于交通运输职责范围"),
    ("BUREAU_SAFETY", "安监处", "协调多单位事件"),
    ("BUREAU_LEADER", "局领导", "单位间协商不成时协调；分管领导审核重要事项"),
    ("CENTER", "市交通运行监测指挥中心", "监测、转办、审核答复、归档；运行信息资源目录"),
    ("TRANSPORT_DEV", "市运输事业发展中心", "牵头办理基础设施维护与管养事件"),
    ("HIGHWAY_DEV", "市公路事业发展中心", "国省干道、连接港口机场等枢纽的主要县道及大型隧道"),
    ("BUS_GROUP", "厦门公交集团有限公司", "公交场站、站点设备设施"),
    ("METRO_BRT", "厦门轨道集团有限公司（BRT场站公司）", "BRT 快速场站设备设施"),
    (
        "ROAD_BRIDGE",
        "厦门路桥建设集团有限公司（路桥管理公司）",
        "厦漳高速、厦蓉高速、海沧大桥、厦门大桥、杏林大桥、集美大桥、翔安隧道",
    ),
    ("ENFORCEMENT", "交通执法支队", "数据提供单位"),
    ("DISTRICT_SIMING", "思明区交通运输主管部门", "数据提供单位"),
    ("DISTRICT_HULI", "湖里区交通运输主管部门", "数据提供单位"),
    ("DISTRICT_JIMEI", "集美区交通运输主管部门", "数据提供单位"),
    ("DISTRICT_HAICANG", "海沧区交通运输主管部门", "数据提供单位"),
    ("DISTRICT_TONGAN", "同安区交通运输主管部门", "数据提供单位"),
    ("DISTRICT_XIANGAN", "翔安区交通运输主管部门", "数据提供单位"),
    ("EXTERNAL", "高等院校、科研院所等非政务单位", "市场化应用申请"),
)

HANDLING_UNITS = ("TRANSPORT_DEV", "HIGHWAY_DEV", "BUS_GROUP", "METRO_BRT", "ROAD_BRIDGE")

# 数据资源管理岗: the center's catalogue post (第三节 1.2(3)): reviews and publishes the units'
# entries and keeps the register of their data administrators (D1, O5).
CENTER_POSTS = (
    "运行监测岗",
    "舆情监测岗",
    "平台受理岗",
    "应急联络岗",
    "投诉受理岗",
    "数据分析岗",
    "数据资源管理岗",
)

ROLES = CENTER_POSTS + (
    "办理人",
    "单位领导",
    "分管领导",
    "数据资源管理员",
    "流程负责人",
    "审计员",
    "管理员",
    "外部申请人",  # a person of an external applicant (EXTERNAL, M1): sees only their own
)

# The post at the center that takes in events from each channel (SPEC §1, standard §四 2.1).
INTAKE_POST = {
    "monitoring": "运行监测岗",
    "opinion": "舆情监测岗",
    "hotline_12328": "投诉受理岗",
    "platform_12345": "平台受理岗",
    "public_safety": "平台受理岗",
    "duty_phone": "应急联络岗",
}

UNIT_CODES = frozenset(code for code, _, _ in ORGANISATIONS)


def seed_organisations(session: Session) -> None:
    """Insert the organisations that are missing; leaves existing rows alone."""
    existing = {code for (code,) in session.query(Organisation.code)}
    for code, name, part in ORGANISATIONS:
        if code not in existing:
            session.add(Organisation(code=code, name=name, part=part))
