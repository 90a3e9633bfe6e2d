"""`jtflow demo`: a user for every post and unit, and a few dozen events at every stage.

Events are played out on a fake clock that starts some working days back and
catches up with now, so the demo shows deadlines met, due soon and overdue.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from .catalogue_demo import CATALOGUE_USERS, seed_catalogue
from .config import Settings, open_jtflow
from .knowledge_demo import seed_knowledge
from .market_demo import MARKET_ANSWERS, MARKET_USERS, load_market_demo
from .models import User
from .notice_demo import seed_notices
from .people.accounts import hash_password, set_password_hash
from .people.users import add_user
from .service import Jtflow
from .sharing_demo import seed_sharing
from .time.clock import FakeClock, SystemClock

DEMO_PASSWORD = "jtflow-demo"  # every demo user's; printed by `jtflow demo`

UNIT_PREFIX = {
    "TRANSPORT_DEV": "transport",
    "HIGHWAY_DEV": "highway",
    "BUS_GROUP": "bus",
    "METRO_BRT": "brt",
    "ROAD_BRIDGE": "roadbridge",
}

DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        ("c_monitor", "陈监测（运行监测岗）", "CENTER", ("运行监测岗",)),
        ("c_opinion", "林舆情（舆情监测岗）", "CENTER", ("舆情监测岗",)),
        ("c_platform", "王平台（平台受理岗）", "CENTER", ("平台受理岗",)),
        ("c_duty", "赵值班（应急联络岗）", "CENTER", ("应急联络岗",)),
        ("c_12328", "黄坐席（投诉受理岗）", "CENTER", ("投诉受理岗",)),
        ("c_analyst", "周分析（数据分析岗）", "CENTER", ("数据分析岗",)),
        ("office", "郑督办（局办公室）", "BUREAU_OFFICE", ("办理人",)),
        ("legal", "吴法规（法规处）", "BUREAU_LEGAL", ("办理人",)),
        ("safety", "孙安监（安监处）", "BUREAU_SAFETY", ("办理人",)),
        ("deputy", "钱分管（分管领导）", "BUREAU_LEADER", ("分管领导",)),
        ("auditor", "冯审计（审计员）", "BUREAU", ("审计员",)),
        ("owner", "何流程（流程负责人）", "CENTER", ("流程负责人",)),
        ("admin", "系统管理员", "BUREAU", ("管理员",)),
    )
    + tuple(
        user
        for code, prefix in UNIT_PREFIX.items()
        for user in (
            (f"{prefix}_handler", f"{prefix} 办理人", code, ("办理人",)),
            (f"{prefix}_leader", f"{prefix} 单位领导", code, ("单位领导",)),
        )
    )
    + CATALOGUE_USERS  # engine/catalogue_demo.py: the data administrators and 数据资源管理岗
    + MARKET_USERS  # engine/market_demo.py: external applicants, strangers to each other
)

FACILITIES = (
    ("bridge", "海沧大桥", "桥面伸缩缝破损"),
    ("tunnel", "翔安隧道", "隧道照明故障"),
    ("bus_station", "火车站公交场站", "候车亭顶棚漏水"),
    ("brt_station", "BRT 第一码头站", "闸机故障"),
    ("trunk_road", "国道 324 线", "路面坑槽"),
    ("other", "环岛路人行天桥", "栏杆松动"),
)

CHANNELS = (
    "monitoring",
    "opinion",
    "hotline_12328",
    "platform_12345",
    "public_safety",
    "duty_phone",
)
REPORTER = {
    "monitoring": "c_monitor",
    "opinion": "c_opinion",
    "hotline_12328": "c_12328",
    "platform_12345": "c_platform",
    "public_safety": "c_platform",
    "duty_phone": "c_duty",
}


def add_demo_users(jtflow: Jtflow) -> int:
    demo_hash = hash_password(DEMO_PASSWORD)  # once: scrypt is slow on purpose
    with jtflow.sessions() as session:
        existing = set(session.scalars(select(User.username)))
        added = 0
        for username, name, unit, roles in DEMO_USERS:
            if username not in existing:
                add_user(session, username, name, unit, list(roles))
                set_password_hash(session, username, demo_hash)
                added += 1
        session.commit()
    return added


def load_demo(settings: Settings, events: int) -> Iterator[str]:
    now = SystemClock().now()
    clock = FakeClock(now - timedelta(days=21))
    jtflow = open_jtflow(settings, clock)
    yield (
        f"演示用户：新增 {add_demo_users(jtflow)} 个，密码均为 {DEMO_PASSWORD}；"
        "例如 c_12328（12328 坐席）、transport_handler（承办人）、transport_leader（单位领导）、"
        "office（局办公室）、auditor（审计员）；全部用户见 `jtflow user list`"
    )
    yield (
        "流程负责人：owner，登录后进入「流程版本」（/processes）编辑流程图、决策表和表单，"
        "检查、试运行、部署新版本并迁移运行中的案件"
    )
    rng = random.Random(8)
    for number in range(events):
        clock.set(now - timedelta(days=21) + timedelta(hours=number * 13))
        ref = _report(jtflow, rng, number)
        _play(jtflow, ref.case_id, steps=number % 9, rng=rng)
    clock.set(now)
    fired = jtflow.fire_due_timers()
    yield f"演示事件：{events} 个，处于各个阶段；已触发到期计时器 {fired} 个"
    yield from seed_catalogue(jtflow)
    yield from seed_sharing(jtflow, settings.processes_dir)  # engine/sharing_demo.py
    yield from load_market_demo(settings, jtflow)
    yield from seed_notices(jtflow, settings.processes_dir)  # engine/notice_demo.py
    yield from seed_knowledge(jtflow, settings.processes_dir)  # engine/knowledge_demo.py


def _report(jtflow: Jtflow, rng: random.Random, number: int) -> Any:
    channel = CHANNELS[number % len(CHANNELS)]
    kind, name, problem = FACILITIES[number % len(FACILITIES)]
    urgency = ("normal", "pressing", "urgent", "normal", "critical", "pressing")[number % 6]
    report = {
        "channel": channel,
        "urgency": urgency,
        "title": f"{name}{problem}",
        "description": f"{name}发现{problem}，需核实处置。",
        "location": f"厦门市 {name}",
        "facility": {"type": kind, "name": name},
        "discovered_at": jtflow.clock.now().isoformat(),
    }
    return jtflow.report_event(report, reporter=REPORTER[channel])


def _play(jtflow: Jtflow, case_id: int, steps: int, rng: random.Random) -> None:
    """Work a case `steps` tasks forward, as the right people, with plausible answers."""
    for _ in range(steps):
        open_tasks = [t for t in _open_tasks(jtflow, case_id)]
        if not open_tasks:
            return
        task = open_tasks[0]
        jtflow.clock.advance(hours=rng.randint(1, 20))  # type: ignore[attr-defined]
        jtflow.fire_due_timers()
        jtflow.complete(task.id, answer_for(task.element_id, task.unit_code), actor_for(task))


def _open_tasks(jtflow: Jtflow, case_id: int) -> list[Any]:
    from .models import Task

    with jtflow.sessions() as session:
        return list(
            session.scalars(
                select(Task)
                .where(Task.instance_id == case_id, Task.state == "open")
                .order_by(Task.id)
            )
        )


def actor_for(task: Any) -> str:
    """The demo user who holds the task's unit and role; an applicant's task, its applicant."""
    if task.unit_code == "EXTERNAL" and task.assignee:
        return str(task.assignee)
    for username, _, unit, roles in DEMO_USERS:
        if unit == task.unit_code and task.role in roles:
            return username
    raise LookupError(f"no demo user for {task.unit_code}/{task.role}")


def answer_for(element_id: str, unit: str) -> dict[str, Any]:
    """A valid, ordinary answer to each step of the lifecycle."""
    answers: dict[str, dict[str, Any]] = {
        "classify": {"decision": "transfer"},
        "remit_decision": {"in_remit": True, "opinion": "属于交通运输职责", "basis": "职责分工"},
        "sign_for": {"accept": True},
        "retransfer": {"new_unit": "TRANSPORT_DEV"},
        "co_handle": {"opinion": "已配合现场处置"},
        "handle_reply": {
            "verification": "经现场核实，情况属实。",
            "disposal": "已安排人员修复完毕。",
        },
        "leader_approve": {"approved": True},
        "deputy_approve": {"approved": True},
        "center_audit": {"accepted": True},
        "supervise": {"instruction": "请承办单位立即处置并按时报告。"},
        "coordinate": {"coordination_opinion": "由牵头单位负责现场处置，协办单位配合。"},
        "press": {"press_method": "phone", "press_note": "已电话催办，承办单位承诺当日办结。"},
        "oversee": {"oversee_instruction": "请承办单位立即办理并报告超期原因。"},
        "phone_report": {"reported_to": "局办公室值班员", "summary": "现场已管控，正在处置。"},
        "written_report": {"result": "已处置完毕，恢复正常通行。"},
        "office_review": {"approved": True},
        "patrol_handle": {"disposal": "巡检发现后已自行修复。", "major": False},
        "answer_platform": {"answer": "已办结，处置结果已反馈平台。"},
        "revisit": {"reached": True, "satisfaction": "satisfied"},
        "archive": {"complete": True},
        **MARKET_ANSWERS,
    }
    return answers[element_id]
