"""`jtflow bench audit`: `audit verify` over many cases, and the replay of one long case.

How the load is made (it decides what the figures mean):

- **Seed**: real cases played through the engine on SQLite — full lifecycles, cases returned
  by the center's audit, urgent cases left to go yellow and red and be pressed.
- **Copies** up to `--cases`: each seed case's instance, task and history rows copied under
  new ids (cli/bench_copies.py), its chain rehashed, so every copy is a case `audit verify`
  must check in full like any other — chain and rows. The copies leave out the workflow
  state (verify never reads it; 100,000 copies of it would be GBs).
- **Replay**: one real case whose reply the center returns until its history holds at least
  `--replay-events` events, replayed by `audit replay`'s code.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy import func, select

from cli.bench import _prepared
from cli.bench_copies import insert_copies, templates_of
from engine.demo import actor_for, answer_for
from engine.models import HistoryEvent, Instance, Task
from engine.record.anchor_check import verify_since_anchor
from engine.record.anchor_key import AnchorKey
from engine.record.anchoring import anchor
from engine.record.audit import verify
from engine.replay import replay_case
from engine.service import Jtflow

SEED_CASES = 60
REPORT = {
    "channel": "hotline_12328",
    "title": "BRT站台闸机故障（审计压测）",
    "description": "乘客来电反映闸机无法刷卡。",
    "location": "BRT第一码头站",
    "facility": {"type": "brt_station", "name": "第一码头站"},
}
COPY_BATCH = 2_000  # copies inserted per statement batch
RETURNED = {"accepted": False, "reason": "缺少处置照片", "basis": "答复要素要求"}


@click.command("audit")
@click.option("--cases", default=100_000, show_default=True, help="Cases to verify.")
@click.option("--replay-events", default=200, show_default=True)
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
def audit(cases: int, replay_events: int, database: str | None) -> None:
    """Verify the hash chains of N cases; replay one case of about 200 events.

    Then anchor every case's chain head, twice, and verify since the anchor."""
    folder = Path(tempfile.mkdtemp(prefix="jtflow-bench-audit-"))
    url = f"sqlite:///{database or folder / 'audit.sqlite'}"
    jtflow = _prepared(url)
    click.echo(f"database: {url}")
    _seed(jtflow, min(SEED_CASES, cases))
    _copy_up_to(jtflow, cases)
    with jtflow.sessions() as session:
        started = time.perf_counter()
        result = verify(session)
        seconds = time.perf_counter() - started
    assert not result.broken, result.broken[:3]
    click.echo(
        f"verify: cases={result.cases} events={result.events} time={seconds:.1f}s "
        f"rate={result.events / seconds:,.0f} events/s"
    )
    long_case = _long_case(jtflow, replay_events)
    started = time.perf_counter()
    replayed = replay_case(jtflow, long_case)
    seconds = time.perf_counter() - started
    assert replayed.divergence is None, replayed.divergence
    click.echo(f"replay: events={replayed.events} time={seconds:.2f}s")
    for line in anchor_figures(jtflow, folder / "anchors.jsonl"):
        click.echo(line)


def _seed(jtflow: Jtflow, count: int) -> None:
    clock = jtflow.clock
    for number in range(count):
        urgency = ("normal", "pressing", "urgent", "critical")[number % 4]
        discovered = clock.now().isoformat()
        report = {**REPORT, "urgency": urgency, "discovered_at": discovered}
        case = jtflow.report_event(report, reporter="c_12328")
        for turn in range(6 + number % 9):
            clock.advance(hours=2 + number % 5)  # type: ignore[attr-defined]
            jtflow.fire_due_timers()
            if not _step(jtflow, case.case_id, returned=turn % 4 == 3):
                break


def _step(jtflow: Jtflow, case_id: int, returned: bool = False) -> bool:
    with jtflow.sessions() as session:
        task = session.scalar(
            select(Task).where(Task.instance_id == case_id, Task.state == "open").order_by(Task.id)
        )
    if task is None:
        return False
    data = answer_for(task.element_id, task.unit_code)
    if returned and task.element_id == "center_audit":
        data = RETURNED
    jtflow.complete(task.id, data, actor_for(task))
    return True


def _copy_up_to(jtflow: Jtflow, cases: int) -> None:
    """Copy the seed cases round-robin (cli/bench_copies.py) until there are enough."""
    engine = jtflow.sessions.kw["bind"]
    with engine.begin() as connection:
        seeds = templates_of(connection, list(connection.scalars(select(Instance.id))))
        have = len(seeds)
        while have < cases and seeds:
            batch = min(COPY_BATCH, cases - have)
            insert_copies(connection, (seeds[i % len(seeds)] for i in range(have, have + batch)))
            have += batch


def _long_case(jtflow: Jtflow, events: int) -> int:
    report = {**REPORT, "urgency": "normal", "discovered_at": jtflow.clock.now().isoformat()}
    case = jtflow.report_event(report, reporter="c_12328").case_id
    for _ in range(2):
        _step(jtflow, case)  # 分类转办, 签收
    while _count(jtflow, case) < events:
        for returned in (False, False, True):  # 办理答复, 领导审核, 中心退件
            _step(jtflow, case, returned=returned)
    return case


def _count(jtflow: Jtflow, case_id: int) -> int:
    with jtflow.sessions() as session:
        query = select(func.count()).where(HistoryEvent.instance_id == case_id)
        return int(session.scalar(query) or 0)


def anchor_figures(jtflow: Jtflow, path: Path) -> Iterator[str]:
    """`audit anchor` over every case — the first checkpoint lists every head, the next one
    (nothing moved) only its own line — and `audit verify --since-anchor` of them all."""
    key = AnchorKey(secrets.token_bytes(32))
    for label in ("anchor", "anchor again"):
        size = path.stat().st_size if path.exists() else 0
        started = time.perf_counter()
        made = anchor(jtflow.sessions, key, path, at=jtflow.clock.now(), made_by="bench")
        seconds = time.perf_counter() - started
        assert made is not None and not made.rewritten
        checkpoint = made.checkpoint
        yield (
            f"{label}: cases={checkpoint.cases} changed={checkpoint.changed} "
            f"time={seconds:.2f}s file +{(path.stat().st_size - size) / 1024:,.1f} KiB"
        )
    with jtflow.sessions() as session:
        started = time.perf_counter()
        result = verify_since_anchor(session, key, path)
        seconds = time.perf_counter() - started
    assert result.intact, (result.chains.broken[:3], result.rewritten[:3])
    events = result.chains.events
    yield (
        f"verify --since-anchor: cases={result.chains.cases} anchored={result.anchored} "
        f"events={events} time={seconds:.1f}s rate={events / seconds:,.0f} events/s"
    )
