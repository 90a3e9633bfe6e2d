"""`jtflow demo`'s interface notices (O1, O3), so a newcomer sees one at each stage: an upgrade
announced in time and waiting for the center (its resource interrupted), a fault notified
late and being repaired, a force-majeure outage repaired and back-filled, and an upgrade
done. Played on the demo's fake clock, each step by the user who holds it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from . import notices
from .catalogue_demo import DATA_USERS
from .models import Resource
from .service import CaseRef, Jtflow
from .sharing_demo import holder_of, open_task
from .time.clock import SHANGHAI, FakeClock

ANSWERS: dict[str, dict[str, Any]] = {
    "receive": {"receipt_note": "已登记，已告知共享使用方。"},
    "restore": {"restore_note": "已恢复推送，平台接收正常。", "data_missing": False},
    "restore_missing": {
        "restore_note": "线路抢修完成，恢复推送。",
        "data_missing": True,
        "missing_note": "中断期间约 6 小时的数据。",
    },
    "confirm_restore": {"confirmed": True, "confirm_note": "平台已收到实时数据。"},
    "backfill": {"backfill_note": "已补传中断期间全部数据。"},
    "confirm_backfill": {"complete": True, "check_note": "条数与时段核对无误。"},
}
UNITS = ("BUS_GROUP", "ROAD_BRIDGE", "HIGHWAY_DEV", "TRANSPORT_DEV")


def seed_notices(jtflow: Jtflow, processes_dir: Path) -> Iterator[str]:
    clock = jtflow.clock
    assert isinstance(clock, FakeClock), "the demo plays on a fake clock"
    now = clock.now()
    jtflow.deploy(processes_dir / f"{notices.PROCESS}.bpmn", "demo")
    with jtflow.sessions() as session:
        first = {
            unit: session.scalar(
                select(Resource.id)
                .where(Resource.status == "published", Resource.provider_unit == unit)
                .order_by(Resource.id)
            )
            for unit in UNITS
        }
    if not all(first.values()):
        yield "演示接口通知：资源目录中缺少已发布的资源，未生成（请先生成演示目录）"
        return

    def notify(unit: str, at: datetime, form: dict[str, Any]) -> CaseRef:
        clock.set(at)
        body = {"resource_ids": [first[unit]], **form}
        return notices.file_notice(jtflow, body, filer=DATA_USERS[unit][0])

    def local(instant: datetime) -> str:
        return instant.astimezone(SHANGHAI).replace(microsecond=0).isoformat()

    made = [
        notify(  # in time, waiting for the center: its resource shows interrupted
            "BUS_GROUP",
            now - timedelta(hours=3),
            {
                "kind": "upgrade",
                "interface_name": "公交车辆实时位置推送接口",
                "description": "调度系统版本升级，接口暂停推送。",
                "stop_at": local(now + timedelta(days=7)),
                "planned_resume": local(now + timedelta(days=7, hours=8)),
            },
        )
    ]
    late = notify(  # notified three days after its discovery, being repaired
        "ROAD_BRIDGE",
        now - timedelta(days=2),
        {
            "kind": "fault",
            "interface_name": "四桥一隧卡口过车数据接口",
            "description": "卡口前端交换机故障，过车数据中断。",
            "discovered_at": local(now - timedelta(days=5)),
            "measures": "临时改用视频人工计数。",
        },
    )
    _play(jtflow, late, now - timedelta(days=1), ["receive"])
    backfilled = notify(
        "HIGHWAY_DEV",
        now - timedelta(days=10),
        {
            "kind": "force_majeure",
            "interface_name": "国省干道交通量监测接口",
            "description": "台风致监测站点停电，数据上传中断。",
            "discovered_at": local(now - timedelta(days=10, hours=4)),
        },
    )
    _play(
        jtflow,
        backfilled,
        now - timedelta(days=9),
        [
            "receive",
            ("restore", "restore_missing"),
            "confirm_restore",
            "backfill",
            "confirm_backfill",
        ],
    )
    done = notify(
        "TRANSPORT_DEV",
        now - timedelta(days=18),
        {
            "kind": "upgrade",
            "interface_name": "客运站班次数据接口",
            "description": "售票系统迁移，接口停用一晚。",
            "stop_at": local(now - timedelta(days=12)),
            "planned_resume": local(now - timedelta(days=12) + timedelta(hours=8)),
        },
    )
    _play(jtflow, done, now - timedelta(days=17), ["receive"])
    _play(jtflow, done, now - timedelta(days=11), ["restore", "confirm_restore"])
    made += [late, backfilled, done]
    clock.set(now)
    jtflow.fire_due_timers()
    yield f"演示接口通知：{len(made)} 个（{'、'.join(c.case_no for c in made)}），处于各个阶段"


def _play(jtflow: Jtflow, case: CaseRef, at: datetime, steps: list[str | tuple[str, str]]) -> None:
    """Each step by its holder, six hours apart; ("restore", "restore_missing") names the
    answer when it is not the step's usual one."""
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    clock.set(at)
    for step in steps:
        element_id, answer = step if isinstance(step, tuple) else (step, step)
        task = open_task(jtflow, case, element_id)
        jtflow.complete(task.id, ANSWERS[answer], holder_of(jtflow, task))
        clock.advance(hours=6)
