"""`jtflow demo`'s knowledge base (O2): entries in the 12328 format (one revised, so it has two
versions), linked from two demo events; units' new knowledge at each stage (accepted,
waiting in time, registered late and pressed); and the standing quarterly schedule, started
before the last quarter's first day so its revision is open. On the demo's fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from . import knowledge
from .models import Instance
from .service import Jtflow
from .sharing_demo import holder_of, open_task
from .time.clock import SHANGHAI, FakeClock

SEAT = "c_12328"  # the center's 投诉受理岗 keeps the knowledge base
ENTRIES: list[dict[str, Any]] = [
    {
        "title": "出租汽车拒载如何投诉",
        "category": "出租汽车",
        "question": "出租车拒载，怎么投诉？",
        "answer": "记下车牌号、时间和地点，拨打 12328 投诉；受理后 10 个工作日内答复。",
        "basis": "《出租汽车经营服务管理规定》第四十三条",
        "keywords": "拒载 出租车 投诉",
        "unit_code": "TRANSPORT_DEV",
    },
    {
        "title": "公交卡余额退还",
        "category": "公交",
        "question": "公交卡不用了，余额怎么退？",
        "answer": "携带卡片到公交集团客服网点办理，余额当场退还。",
        "basis": "厦门公交集团 IC 卡管理办法",
        "keywords": "公交卡 退卡 余额",
        "unit_code": "BUS_GROUP",
    },
    {
        "title": "翔安隧道限高与禁行车辆",
        "category": "桥隧",
        "question": "翔安隧道哪些车辆不能通行？",
        "answer": "危险品运输车辆、超高超限车辆禁止通行；限高 4.2 米。",
        "basis": "翔安隧道通行管理规定",
        "keywords": "翔安隧道 限高 禁行",
        "unit_code": "ROAD_BRIDGE",
    },
]
SUBMITTED = {
    "entry_id": 0,
    "title": "网约车驾驶员证申领条件",
    "category": "出租汽车",
    "question": "申请网约车驾驶员证需要什么条件？",
    "answer": "取得相应准驾车型驾驶证并具有 3 年以上驾驶经历，无交通肇事犯罪记录。",
    "basis": "厦门市网络预约出租汽车经营服务管理实施细则（2026 年修订）第十五条",
    "keywords": "网约车 驾驶员证",
}


def seed_knowledge(jtflow: Jtflow, processes_dir: Path) -> Iterator[str]:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock), "the demo plays on a fake clock"
    now = clock.now()
    jtflow.deploy(processes_dir / f"{knowledge.PROCESS}.bpmn", "demo")
    clock.set(now - timedelta(days=20))
    ids = [
        knowledge.edit_entry(jtflow, 0, entry, editor=SEAT, note="建库").entry_id
        for entry in ENTRIES
    ]
    clock.set(now - timedelta(days=6))
    knowledge.edit_entry(
        jtflow,
        ids[0],
        {**ENTRIES[0], "answer": ENTRIES[0]["answer"].replace("10 个工作日", "5 个工作日")},
        editor=SEAT,
        note="答复时限按新规调整",
    )
    with jtflow.sessions() as session:
        events = list(
            session.scalars(
                select(Instance.case_no)
                .where(Instance.channel == "hotline_12328")
                .order_by(Instance.id)
                .limit(2)
            )
        )
    for case_no in events:
        knowledge.link_entry(jtflow, str(case_no), ids[0], username=SEAT)

    def change(days_ago: float, title: str, unit_handler: str) -> Any:
        clock.set(now - timedelta(days=days_ago))
        changed = (now - timedelta(days=days_ago, hours=2)).astimezone(SHANGHAI)
        form = {
            "policy_title": title,
            "changed_at": changed.replace(microsecond=0).isoformat(),
            "policy_note": "政策调整，需更新 12328 答复口径。",
        }
        return knowledge.report_policy_change(jtflow, form, reporter=unit_handler)

    accepted = change(15, "网约车管理实施细则修订", "transport_handler")
    for element_id, answer in (
        ("submit", SUBMITTED),
        ("review", {"decision": "accept", "review_note": "格式和依据齐全，入库。"}),
    ):
        clock.advance(hours=20)
        task = open_task(jtflow, accepted, element_id)
        jtflow.complete(task.id, answer, holder_of(jtflow, task))
    waiting = change(1, "公交线路调整公告", "bus_handler")
    clock.set(now - timedelta(days=2))
    form = {
        "policy_title": "公路超限检测站点调整",
        "changed_at": (now - timedelta(days=14))
        .astimezone(SHANGHAI)
        .replace(microsecond=0)
        .isoformat(),
        "unit_code": "HIGHWAY_DEV",
        "policy_note": "监测中心发现调整后单位未报送。",
    }
    late = knowledge.report_policy_change(jtflow, form, reporter=SEAT)
    clock.set(now - timedelta(days=100))
    schedule = knowledge.start_schedule(jtflow, starter=SEAT)
    clock.set(now)
    jtflow.fire_due_timers()
    cases = "、".join(c.case_no for c in (accepted, waiting, late))
    yield (
        f"演示知识库：条目 {len(ids) + 1} 个（其一有两个版本，关联 {len(events)} 个事件）；"
        f"知识报送 {cases}；季度修订日程 {schedule}"
    )
