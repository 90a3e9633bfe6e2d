"""`jtflow bench inbox`: server time of the inbox page (`GET /`) and `GET /api/tasks` for one
unit with 10,000 open tasks, in a SQLite database with 1,000,000 history rows.

How the load is made (it decides what the figures mean):

- **The measured unit's open tasks**: real cases reported through the engine (six channels,
  four urgencies, a few dozen titles and places, facility type `other`, so the routing table
  sends them to TRANSPORT_DEV) and transferred by the center's 分类转办, one a minute of fake
  clock from Monday 2026-09-28 09:00 into the October holidays. Every fifth case is signed for
  (its 办理答复 opens), urgent ones also open 电话报告, every tenth task is claimed by
  `transport_handler`, and due timers are fired every 200 cases, so the tasks sit at three
  steps with green, yellow and red lights. Reporting stops at exactly `--tasks` open tasks.
- **Other units' work and older history**: 60 real cases played through the engine (BRT
  station events, returned by the center now and then, timers fired; fewer for `--tasks`
  under 60), then copied (cli/bench_copies.py: instance, task and history rows under new
  ids, the chain rehashed, so each copy is a case `audit verify` accepts) until the history
  table holds `--history` rows; their open tasks (other units') stay open. The copies leave
  out the workflow state.
- **Server time**: a WSGI middleware around the Flask app times each request from the call
  into the app until its body is produced — routing, sign-in lookup, the queries, templates
  and JSON, not the test client — on the wall clock (the figures the bar is about) and in
  the thread's CPU time (shown beside them: a busy machine inflates the wall clock only). Requests come from Flask's test client: the page with a
  session signed in through the login form, the API with a bearer token (`create_token`).
- **Requests**: the same mix for both endpoints, in turn: first page, latest deadline first,
  page 2, the middle and the last page, the 我的 and 待认领 tabs, a text search hitting many
  cases and one hitting a case number, light, urgency, channel and step filters, and one
  combination. One untimed pass first warms caches.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click
from sqlalchemy import func, select

from cli.bench import _prepared
from cli.bench_audit import _seed
from cli.bench_copies import Template, insert_copies, templates_of
from engine.config import Settings
from engine.demo import CHANNELS, REPORTER, actor_for, answer_for
from engine.models import HistoryEvent, Instance, Task
from engine.people.accounts import create_token
from engine.service import Jtflow
from engine.time.clock import SHANGHAI, FakeClock

UNIT = "TRANSPORT_DEV"
USER = "transport_handler"  # the unit's 办理人: the inbox measured
START = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)
SEED_CASES = 60
FIRE_EVERY = 200  # cases between timer firings while loading
PLACES = (
    "环岛路人行天桥",
    "会展中心停车场",
    "五缘湾游艇码头",
    "高崎渡口",
    "东渡货运站",
    "同安汽车站",
)
PROBLEMS = ("栏杆松动", "照明故障", "地面塌陷", "标志缺失", "积水", "护栏破损", "排水不畅")
URGENCIES = ("normal", "pressing", "urgent", "critical")


@click.command("inbox")
@click.option("--tasks", default=10_000, show_default=True, help="Open tasks of the unit.")
@click.option("--history", default=1_000_000, show_default=True, help="History rows in all.")
@click.option("--requests", default=300, show_default=True, help="Requests per endpoint.")
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
def inbox(tasks: int, history: int, requests: int, database: str | None) -> None:
    """Server time (p50/p95/max) of GET / and GET /api/tasks for one unit's big inbox."""
    path = database or Path(tempfile.mkdtemp(prefix="jtflow-bench-inbox-")) / "inbox.sqlite"
    url = f"sqlite:///{path}"
    jtflow = _prepared(url)
    click.echo(f"database: {url}")
    started = time.perf_counter()
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    clock.set(START - timedelta(days=150))  # the older cases end before the unit's begin
    _seed(jtflow, min(SEED_CASES, tasks))
    clock.set(START)
    _load_unit(jtflow, tasks)
    _copy_up_to(jtflow, history)
    click.echo(f"load: {_describe(jtflow)}; made in {time.perf_counter() - started:.0f} s")
    click.echo(
        f"server time: WSGI middleware around the app; {requests} requests per endpoint "
        f"as {USER}, cycling {len(MIX)} kinds of query"
    )
    for line in measure(jtflow, url, requests):
        click.echo(line)


def _load_unit(jtflow: Jtflow, tasks: int) -> None:
    """Real cases for the unit until it has exactly `tasks` open tasks."""
    clock = jtflow.clock
    have, number = _open_of_unit(jtflow), 0
    while have < tasks:
        urgent = URGENCIES[number % 4] in ("urgent", "critical") and tasks - have >= 2
        channel = CHANNELS[number % len(CHANNELS)]
        place, problem = PLACES[number % len(PLACES)], PROBLEMS[number % len(PROBLEMS)]
        report = {
            "channel": channel,
            "urgency": URGENCIES[number % 4] if urgent else URGENCIES[number % 2],
            "title": f"{place}{problem}",
            "description": f"{place}发现{problem}，需核实处置。",
            "location": f"厦门市 {place} {number % 97} 号",
            "facility": {"type": "other", "name": place},
            "discovered_at": clock.now().isoformat(),
        }
        classify = jtflow.report_event(report, reporter=REPORTER[channel]).tasks[0]
        opened = jtflow.complete(classify.id, answer_for("classify", ""), actor_for(classify))
        sign_for = next(t for t in opened if t.element_id == "sign_for")
        if number % 5 == 0:
            jtflow.complete(sign_for.id, answer_for("sign_for", UNIT), USER)
        elif number % 10 == 3:
            jtflow.claim(sign_for.id, USER)
        number += 1
        clock.advance(minutes=1)  # type: ignore[attr-defined]
        if number % FIRE_EVERY == 0:
            jtflow.fire_due_timers()
        have = _open_of_unit(jtflow)
    jtflow.fire_due_timers()
    assert _open_of_unit(jtflow) == tasks, "a timer opened or closed the unit's tasks"


def _open_of_unit(jtflow: Jtflow) -> int:
    with jtflow.sessions() as session:
        query = select(func.count()).where(Task.state == "open", Task.unit_code == UNIT)
        return int(session.scalar(query) or 0)


def _copy_up_to(jtflow: Jtflow, history: int) -> None:
    """Copy the other units' cases (instance, task and history rows, cli/bench_copies.py)
    until the history table holds at least `history` rows."""
    engine = jtflow.sessions.kw["bind"]
    with engine.begin() as connection:
        copyable = list(  # the seed cases: no task of the measured unit is open in them
            connection.scalars(
                select(Instance.id).where(
                    ~Instance.id.in_(select(Task.instance_id).where(Task.unit_code == UNIT))
                )
            )
        )
        seeds = templates_of(connection, copyable)
        have = int(connection.scalar(select(func.count()).select_from(HistoryEvent)) or 0)
        turn = 0
        while have < history and seeds:
            batch: list[Template] = []
            events = 0
            while have + events < history and len(batch) < COPY_BATCH:
                seed = seeds[turn % len(seeds)]
                batch.append(seed)
                events += len(seed.events)
                turn += 1
            insert_copies(connection, batch)
            have += events


COPY_BATCH = 2_000  # copies inserted per statement batch


def _describe(jtflow: Jtflow) -> str:
    with jtflow.sessions() as session:
        unit = (Task.state == "open", Task.unit_code == UNIT)

        def count(*where: Any, model: Any = Task) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        lights = dict(
            session.execute(
                select(Task.light, func.count()).where(*unit).group_by(Task.light)
            ).all()
        )
        steps = dict(
            session.execute(
                select(Task.element_id, func.count()).where(*unit).group_by(Task.element_id)
            ).all()
        )
        real = count(func.length(Instance.state) > 0, model=Instance)  # copies have no state
        return (
            f"{UNIT} open tasks={count(*unit)} ("
            + " ".join(f"{k}={v}" for k, v in sorted(steps.items()))
            + "; "
            + " ".join(f"{k}={v}" for k, v in sorted(lights.items()))
            + f"; claimed by {USER}={count(*unit, Task.assignee == USER)}); "
            f"other open tasks={count(Task.state == 'open', Task.unit_code != UNIT)}; "
            f"all tasks={count()}; cases={count(model=Instance)} ({real} real, the rest copies); "
            f"history={count(model=HistoryEvent)}"
        )


# (name, query) in the page's words; the API says `scope` where the page says `tab`.
MIX: tuple[tuple[str, dict[str, Any]], ...] = (
    ("first", {}),
    ("latest", {"sort": "-due"}),
    ("page2", {"page": 2}),
    ("middle", {"page": "middle"}),
    ("last", {"page": "last"}),
    ("mine", {"tab": "mine"}),
    ("unclaimed", {"tab": "unclaimed", "page": 3}),
    ("text", {"q": "天桥"}),
    ("case_no", {"q": "case_no"}),
    ("red", {"light": "red"}),
    ("urgent", {"urgency": "urgent"}),
    ("channel", {"channel": "hotline_12328", "page": 2}),
    ("step", {"step": "handle_reply"}),
    ("combined", {"tab": "unclaimed", "light": "red", "sort": "-due", "page": 4}),
)


def timed_app(jtflow: Jtflow, url: str) -> tuple[Any, Any, ServerTimer]:
    """The web app on the bench's engine, with a page client signed in as USER, and the
    middleware timing its requests."""
    from webui import create_app

    app = create_app(Settings(database_url=url), jtflow=jtflow)
    timer = ServerTimer(app.wsgi_app)
    app.wsgi_app = timer  # type: ignore[method-assign]
    page_client = app.test_client()
    _sign_in(page_client)
    return app, page_client, timer


def measure(jtflow: Jtflow, url: str, requests: int) -> Iterable[str]:
    app, page_client, timer = timed_app(jtflow, url)
    with jtflow.sessions() as session:
        token = create_token(session, USER, jtflow.clock.now())
        session.commit()
        total = int(
            session.scalar(select(func.count()).where(Task.state == "open", Task.unit_code == UNIT))
            or 0
        )
        case_no = session.scalar(
            select(Instance.case_no)
            .join(Task, Task.instance_id == Instance.id)
            .where(Task.state == "open", Task.unit_code == UNIT)
            .limit(1)
        )
    pages = max(1, -(-total // 25))
    api_client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    endpoints: dict[str, Callable[[dict[str, Any]], Any]] = {
        "GET /": lambda query: page_client.get("/?" + urlencode(query)),
        "GET /api/tasks": lambda query: api_client.get(
            "/api/tasks?" + urlencode(_api_words(query)), headers=headers
        ),
    }
    queries = [(name, _filled(query, pages, case_no)) for name, query in MIX]
    history = int(_count(jtflow, HistoryEvent))
    for endpoint, get in endpoints.items():
        for _name, query in queries:  # warm-up, untimed
            _checked(get(query), endpoint, query)
        timer.seconds.clear()
        timer.cpu_seconds.clear()
        by_kind: dict[str, list[float]] = {name: [] for name, _ in queries}
        for number in range(requests):
            name, query = queries[number % len(queries)]
            _checked(get(query), endpoint, query)
            by_kind[name].append(timer.seconds[-1])
        ms = sorted(1000 * s for s in timer.seconds)
        cpu = sorted(1000 * s for s in timer.cpu_seconds)
        yield (
            f"endpoint={endpoint} tasks={total} history={history} requests={len(ms)} "
            f"p50={_quantile(ms, 0.5):.1f}ms p95={_quantile(ms, 0.95):.1f}ms max={ms[-1]:.1f}ms "
            f"(cpu p50={_quantile(cpu, 0.5):.1f}ms p95={_quantile(cpu, 0.95):.1f}ms)"
        )
        yield "  median by query: " + " ".join(
            f"{name}={1000 * statistics.median(seconds):.1f}"
            for name, seconds in by_kind.items()
            if seconds
        )


class ServerTimer:
    """WSGI middleware: the seconds from the call into the app until its body is produced,
    on the wall clock and in this thread's CPU (which other processes on the machine do not
    inflate; the database's reads from the OS cache count in both)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seconds: list[float] = []
        self.cpu_seconds: list[float] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started, cpu_started = time.perf_counter(), time.thread_time()
        body = self.app(environ, start_response)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.seconds.append(time.perf_counter() - started)
        self.cpu_seconds.append(time.thread_time() - cpu_started)
        return chunks


def _sign_in(client: Any, user: str = USER) -> None:
    """Through the login form, with its CSRF token and the demo password."""
    import re

    from engine.demo import DEMO_PASSWORD

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the login page"
    response = client.post(
        "/login", data={"username": user, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302, f"{user} could not sign in"


def _filled(query: dict[str, Any], pages: int, case_no: str | None) -> dict[str, Any]:
    page = {"middle": pages // 2 or 1, "last": pages}
    filled = dict(query)
    if "page" in filled:
        filled["page"] = page.get(filled["page"], filled["page"])
    if filled.get("q") == "case_no":
        filled["q"] = case_no or ""
    return filled


def _api_words(query: dict[str, Any]) -> dict[str, Any]:
    words = dict(query)
    if "tab" in words:
        words["scope"] = words.pop("tab")
    return words


def _checked(response: Any, endpoint: str, query: dict[str, Any]) -> None:
    assert response.status_code == 200, f"{endpoint} {query}: {response.status_code}"


def _quantile(sorted_ms: list[float], fraction: float) -> float:
    """The nearest-rank quantile: the value at or below which `fraction` of the requests fall."""
    rank = max(1, -(-int(fraction * 1000) * len(sorted_ms) // 1000))
    return sorted_ms[rank - 1]


def _count(jtflow: Jtflow, model: Any) -> int:
    with jtflow.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
