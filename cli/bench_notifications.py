"""`jtflow bench notifications`: what the bell costs (issue 16) — the inbox's server time
with 10,000 open tasks and their notifications, and the CPU of a server holding 100 open
notification streams while nothing happens.

How the load is made and measured (it decides what the figures mean):

- **Inbox**: the unit's open tasks are made exactly as `jtflow bench inbox` makes them
  (cli/bench_inbox.py: real cases reported and transferred through the engine, some signed
  for or claimed, timers fired so lights are green, yellow and red), now with the engine
  writing their notifications in the same steps: `transport_handler` is told of every new
  task and light. The page (`GET /`, whose header draws the bell's count) and `GET /api/tasks`
  are then timed by bench_inbox's WSGI middleware over its mix of queries, and so is the
  bell's look (`GET /notifications/look`, what an open page asks every interval).
- **Idle streams**: `jtflow serve --no-scheduler` (waitress, 8 threads) on that database in
  a process of its own; `--streams` clients in this process, each signed in as its own user
  through the login form, behave as a browser's EventSource does on the bell: look, read the
  one answer, wait its `retry`, look again with Last-Event-ID. Once all have looked, the
  server's CPU time (user + system, from /proc) is read over `--seconds`: the figure is that
  CPU time over the wall time, as a share of one core.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from cli.bench import _prepared
from cli.bench_inbox import START, USER, _load_unit, _quantile, measure, timed_app
from engine.config import Settings, open_jtflow
from engine.demo import DEMO_PASSWORD
from engine.models import Instance, Notification, User
from engine.people.users import add_user
from engine.run.guarded_evaluator import CodeBudget
from engine.service import Jtflow
from engine.time.clock import FakeClock

STREAM_UNIT = "TRANSPORT_DEV"
BUDGET_SECONDS = 60.0
LOOK_REQUESTS = 300


@click.command("notifications")
@click.option("--tasks", default=10_000, show_default=True, help="Open tasks of the unit.")
@click.option("--requests", default=300, show_default=True, help="Requests per endpoint.")
@click.option("--streams", default=100, show_default=True, help="Open notification streams.")
@click.option("--seconds", default=60.0, show_default=True, help="Idle time measured.")
@click.option("--bell-seconds", default=15.0, show_default=True, help="The bell's interval.")
@click.option("--database", default=None, help="SQLite file to use (default: a temporary one).")
@click.option(
    "--reuse", is_flag=True, help="Measure an earlier run's --database again (topped up)."
)
def notifications(
    tasks: int,
    requests: int,
    streams: int,
    seconds: float,
    bell_seconds: float,
    database: str | None,
    reuse: bool,
) -> None:
    """The inbox's p95 with notifications on, and the CPU of idle notification streams."""
    path = (
        Path(database)
        if database
        else Path(tempfile.mkdtemp(prefix="jtflow-bench-notes-")) / "notes.sqlite"
    )
    url = f"sqlite:///{path}"
    click.echo(f"database: {url}")
    if not reuse:
        _prepared(url).sessions.kw["bind"].dispose()
    jtflow = _reopened(url)
    started = time.perf_counter()
    _load_unit(jtflow, tasks)  # tops an earlier run's load up to `tasks`
    click.echo(f"load: made in {time.perf_counter() - started:.0f} s")
    click.echo(f"load: {_describe(jtflow)}")
    for line in measure(jtflow, url, requests):
        click.echo(line)
    click.echo(_look_line(jtflow, url))
    jtflow.sessions.kw["bind"].dispose()
    for line in idle_streams(path, streams, seconds, bell_seconds):
        click.echo(line)


def _reopened(url: str) -> Jtflow:
    """The engine on the bench's database, its fake clock a minute after the newest case,
    with a generous diagram-code budget: a busy shared machine must not abort the load."""
    settings = Settings(database_url=url, code_budget=CodeBudget(seconds=BUDGET_SECONDS))
    jtflow = open_jtflow(settings, FakeClock(START))
    with jtflow.sessions() as session:
        newest = session.scalar(select(func.max(Instance.created_at)))
    clock = jtflow.clock
    assert isinstance(clock, FakeClock)
    clock.set(max(START, newest + timedelta(minutes=1)) if newest else START)
    return jtflow


def _describe(jtflow: Jtflow) -> str:
    with jtflow.sessions() as session:
        kinds = dict(
            session.execute(
                select(Notification.kind, func.count())
                .where(Notification.username == USER)
                .group_by(Notification.kind)
            ).all()
        )
        total = session.scalar(select(func.count()).select_from(Notification)) or 0
    return f"notifications={total}; {USER}'s: " + " ".join(
        f"{k}={v}" for k, v in sorted(kinds.items())
    )


def _look_line(jtflow: Jtflow, url: str) -> str:
    """Server time of the bell's look, as an open page makes it with nothing new."""
    _app, client, timer = timed_app(jtflow, url)
    with jtflow.sessions() as session:
        latest = session.scalar(select(func.max(Notification.id))) or 0
    for _ in range(20):  # warm-up
        client.get(f"/notifications/look?after={latest}")
    timer.seconds.clear()
    for _ in range(LOOK_REQUESTS):
        answer = client.get(f"/notifications/look?after={latest}")
        assert answer.status_code == 200, answer.status_code
    ms = sorted(1000 * s for s in timer.seconds)
    return (
        f"endpoint=GET /notifications/look requests={len(ms)} p50={_quantile(ms, 0.5):.1f}ms "
        f"p95={_quantile(ms, 0.95):.1f}ms max={ms[-1]:.1f}ms"
    )


def idle_streams(path: Path, streams: int, seconds: float, bell_seconds: float) -> Iterable[str]:
    """Serve the database in a process of its own and hold `streams` bells open on it."""
    names = _stream_users(f"sqlite:///{path}", streams)
    port = _free_port()
    env = {
        **os.environ,
        "JTFLOW_DATABASE_URL": f"sqlite:///{path}",
        "JTFLOW_BELL_SECONDS": str(bell_seconds),
        "JTFLOW_SECRET_KEY": "bench-notifications-" + "x" * 32,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--no-scheduler", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        stop = threading.Event()
        bells = [Bell(base, name, stop) for name in names]
        for bell in bells:
            bell.sign_in()
        threads = [threading.Thread(target=b.run, daemon=True) for b in bells]
        for thread in threads:
            thread.start()
        time.sleep(bell_seconds + 2)  # every bell has looked once and is waiting to again
        looks_before = sum(b.looks for b in bells)
        cpu_before, wall_before = _cpu_seconds(server.pid), time.monotonic()
        time.sleep(seconds)
        cpu, wall = _cpu_seconds(server.pid) - cpu_before, time.monotonic() - wall_before
        looks = sum(b.looks for b in bells) - looks_before
        stop.set()
        for thread in threads:
            thread.join(timeout=bell_seconds + 5)
        errors = sum(b.errors for b in bells)
        yield (
            f"idle streams={streams} bell every {bell_seconds:g} s: server CPU "
            f"{100 * cpu / wall:.2f}% of one core over {wall:.0f} s "
            f"({cpu:.2f} s CPU; {looks} looks answered, {looks / wall:.1f}/s; errors={errors})"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


class Bell:
    """One open page's bell, as its EventSource behaves: look, wait `retry`, look again."""

    def __init__(self, base: str, username: str, stop: threading.Event):
        self.base, self.username, self.stop = base, username, stop
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.last_id = "0"
        self.looks = self.errors = 0

    def sign_in(self) -> None:
        page = self.opener.open(self.base + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token is not None, "no CSRF token on the login page"
        form = {"username": self.username, "password": DEMO_PASSWORD, "csrf_token": token[1]}
        answer = self.opener.open(self.base + "/login", urllib.parse.urlencode(form).encode())
        assert "/login" not in answer.geturl(), f"{self.username} could not sign in"

    def run(self) -> None:
        while not self.stop.is_set():
            retry = 15.0
            try:
                request = urllib.request.Request(
                    self.base + "/notifications/look", headers={"Last-Event-ID": self.last_id}
                )
                body = self.opener.open(request, timeout=30).read().decode()
                self.looks += 1
                for line in body.splitlines():
                    field, _, value = line.partition(": ")
                    if field == "retry":
                        retry = int(value) / 1000
                    elif field == "id":
                        self.last_id = value
            except (OSError, http.client.HTTPException):
                self.errors += 1
            self.stop.wait(retry)


def _stream_users(url: str, streams: int) -> list[str]:
    """`streams` people of the unit (its 办理人), with the demo password hashed quickly."""
    jtflow = open_jtflow(Settings(database_url=url))
    names = [USER] + [f"bench_bell_{n:03d}" for n in range(1, streams)]
    quick = generate_password_hash(DEMO_PASSWORD, method="scrypt:1024:8:1")
    with jtflow.sessions() as session:
        have = set(session.scalars(select(User.username)))
        for name in names:
            if name not in have:
                add_user(session, name, f"铃铛 {name}", STREAM_UNIT, ["办理人"])
        session.execute(update(User).where(User.username.in_(names)).values(password_hash=quick))
        session.commit()
    jtflow.sessions.kw["bind"].dispose()
    return names


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise click.ClickException(f"the server at {base} did not come up within 60 s")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of the process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
