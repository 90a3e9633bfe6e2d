"""`jtflow bench catalogue`: catalogue search time with 10,000 resources on SQLite.

How the load is made (it decides what the figures mean):

- **Resources**: `--resources` rows across every D2 leaf and providing unit, names made of a
  place, a subject and a number ("思明区公交站点客流统计 0042"), source systems from a
  list of a dozen, share types and update periods in turn; 90% published, the rest drafts
  and submitted entries. Written with one bulk INSERT (the rules on each entry are the
  service's and are tested elsewhere; here the table's size is what matters), then ANALYZE.
- **Searches**: engine.data.catalogue_search.search — the query the page and the API run,
  the page and its count — as two users: a unit's data administrator (published entries
  and its own drafts) and another unit's handler (published only). The mix: the first
  page, a deep page, text hitting many entries, text hitting a few, text hitting none, a
  top category, a leaf, a unit, a share type, a status, and two combinations. One untimed
  pass first warms caches. Wall-clock time per search, p50 and p95; the bar is p95 ≤ 100 ms.
- **API**: the same mix through `GET /api/catalogue` with a bearer token (Flask's test
  client; server time from the call into the app until the body is produced).
"""

from __future__ import annotations

import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click
from sqlalchemy import func, insert, select, text

from cli.bench import _prepared
from engine.catalogue_demo import register_administrators
from engine.config import Settings
from engine.data.administrators import PROVIDING_UNITS
from engine.data.catalogue_search import CatalogueQuery, search
from engine.data.categories import CATEGORIES
from engine.data.fields import SHARE_MODES, SHARE_TYPES, UPDATE_PERIODS
from engine.models import Resource, table_of
from engine.people.accounts import create_token
from engine.people.users import get_user
from engine.service import Jtflow
from engine.time.clock import SHANGHAI

START = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)
PLACES = (
    "思明区",
    "湖里区",
    "集美区",
    "海沧区",
    "同安区",
    "翔安区",
    "环岛路",
    "厦门大桥",
    "翔安隧道",
    "高崎机场",
)
SUBJECTS = (
    "公交站点客流统计",
    "车辆实时位置",
    "卡口过车记录",
    "道路养护巡查",
    "施工占道审批",
    "营运车辆档案",
    "货运车辆动态",
    "客运班线信息",
    "通行收费流水",
    "视频监控点位",
)
SYSTEMS = (
    "公交智能调度系统",
    "BRT运营调度系统",
    "道路运政管理信息系统",
    "公路养护管理系统",
    "路政许可管理系统",
    "进出岛卡口系统",
    "路桥收费管理系统",
    "交通执法综合管理系统",
    "重点营运车辆联网联控系统",
    "综合交通运行监测平台",
    "桥隧视频监控平台",
    "网约车监管平台",
)
ADMIN, OTHER = "bus_data", "transport_handler"
QUERIES: tuple[dict[str, Any], ...] = (
    {},
    {"page": 40},
    {"q": "公交"},
    {"q": "翔安隧道卡口"},
    {"q": "不存在的资源"},
    {"category": "transit"},
    {"category": "bridge_tunnel.toll"},
    {"unit": "ROAD_BRIDGE"},
    {"share_type": "conditional"},
    {"status": "draft"},
    {"q": "收费", "category": "bridge_tunnel", "share_type": "conditional"},
    {"q": "视频", "unit": "ROAD_BRIDGE", "page": 2},
)


@click.command("catalogue")
@click.option("-n", "--resources", default=10_000, show_default=True, help="Catalogue entries.")
@click.option("--requests", default=300, show_default=True, help="Searches per way measured.")
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
def catalogue(resources: int, requests: int, database: str | None) -> None:
    """Catalogue search p50/p95 over a mix of text, filters and paging (bar: p95 ≤ 100 ms)."""
    folder = tempfile.TemporaryDirectory(prefix="jtflow-bench-catalogue-")
    url = f"sqlite:///{database or Path(folder.name) / 'bench.sqlite'}"
    click.echo(f"database: {url}")
    started = time.perf_counter()
    jtflow = _prepared(url)
    _load(jtflow, resources)
    click.echo(f"load: {_count(jtflow)} resources; made in {time.perf_counter() - started:.1f} s")
    for line in _measure(jtflow, url, requests):
        click.echo(line)
    jtflow.sessions.kw["bind"].dispose()
    folder.cleanup()


def _load(jtflow: Jtflow, count: int) -> None:
    with jtflow.sessions() as session:
        register_administrators(session, jtflow.clock.now())
        session.commit()
    leaves = list(CATEGORIES)
    statuses = ["published"] * 18 + ["draft", "submitted"]
    rows = []
    now = jtflow.clock.now()
    for number, (place, subject) in zip(
        range(count), itertools.cycle(itertools.product(PLACES, SUBJECTS)), strict=False
    ):
        share = list(SHARE_TYPES)[number % 3]
        status = statuses[number % len(statuses)]
        rows.append(
            {
                "category": leaves[number % len(leaves)],
                "name": f"{place}{subject} {number:05d}",
                "provider_unit": PROVIDING_UNITS[number % len(PROVIDING_UNITS)],
                "data_format": ("JSON", "CSV", "XLSX", "SHP")[number % 4],
                "attribute": ("static", "dynamic", "media")[number % 3],
                "update_period": list(UPDATE_PERIODS)[number % len(UPDATE_PERIODS)],
                "share_type": share,
                "share_scope": "" if share == "none" else "政务部门",
                "share_modes": [] if share == "none" else [list(SHARE_MODES)[number % 4]],
                "usage_requirements": "仅用于交通运行分析" if share == "conditional" else "",
                "source_system": SYSTEMS[number % len(SYSTEMS)],
                "status": status,
                "created_at": now,
                "created_by": "bench",
                "updated_at": now,
                "updated_by": "bench",
                "published_at": now if status == "published" else None,
                "published_by": "c_data" if status == "published" else None,
            }
        )
    with jtflow.sessions() as session:
        session.execute(insert(table_of(Resource)), rows)
        session.execute(text("ANALYZE"))
        session.commit()


def _count(jtflow: Jtflow) -> int:
    with jtflow.sessions() as session:
        return session.scalar(select(func.count(Resource.id))) or 0


def _measure(jtflow: Jtflow, url: str, requests: int) -> list[str]:
    with jtflow.sessions() as session:
        users = {name: get_user(session, name) for name in (ADMIN, OTHER)}

    def engine_search(username: str, params: dict[str, Any]) -> None:
        with jtflow.sessions() as session:
            search(session, users[username], CatalogueQuery(**params))

    lines = [_report("search (engine)", _times(engine_search, requests))]
    client, tokens = _api_client(jtflow, url)

    def api_search(username: str, params: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {tokens[username]}"}
        response = client.get("/api/catalogue?" + urlencode(params), headers=headers)
        if response.status_code != 200:
            raise click.ClickException(f"GET /api/catalogue → {response.status_code}")

    lines.append(_report("GET /api/catalogue", _times(api_search, requests)))
    return lines


def _times(run: Callable[[str, dict[str, Any]], None], requests: int) -> list[float]:
    plan = list(itertools.product((ADMIN, OTHER), QUERIES))
    for username, params in plan:  # warm caches
        run(username, params)
    found = []
    for number in range(requests):
        username, params = plan[number % len(plan)]
        started = time.perf_counter()
        run(username, params)
        found.append((time.perf_counter() - started) * 1000)
    return found


def _report(what: str, times_ms: list[float]) -> str:
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    verdict = "ok" if p95 <= 100 else "OVER the 100 ms bar"
    return (
        f"{what}: {len(ordered)} searches, p50 {statistics.median(ordered):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms — {verdict}"
    )


def _api_client(jtflow: Jtflow, url: str) -> tuple[Any, dict[str, str]]:
    from webui import create_app  # the web app only for this part of the bench

    with jtflow.sessions() as session:
        tokens = {name: create_token(session, name, jtflow.clock.now()) for name in (ADMIN, OTHER)}
        session.commit()
    app = create_app(Settings(database_url=url), jtflow=jtflow, config={"TESTING": True})
    return app.test_client(), tokens
