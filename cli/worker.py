"""`jtflow worker`: a process that only fires timers, on time, beside others doing the same.

Any number of workers (and web processes running the scheduler) may share one PostgreSQL
database: timers are claimed under a lease (JTFLOW_TIMER_LEASE_SECONDS), so each fires once.
On SQLite run one. SIGTERM or SIGINT stops it after the batch it is firing.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click

from engine.daily_anchor import DailyAnchor, daily_anchor_for
from engine.notify.delivery import LoggedDelivery
from engine.notify.digest import DailyDigest
from engine.scheduler import DEFAULT_MAX_SLEEP_SECONDS, TimerScheduler


@click.command()
@click.option(
    "--max-sleep",
    "max_sleep_seconds",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_MAX_SLEEP_SECONDS,
    show_default=True,
    help="Longest wait between looks at the timer table, in seconds (timers created by other processes are noticed within it).",
)
@click.pass_context
def worker(ctx: click.Context, max_sleep_seconds: float) -> None:
    """Fire timers when they come due, until SIGTERM or Ctrl+C."""
    from cli.support import reports_errors  # cli.main registers this command

    reports_errors(_serve)(ctx, max_sleep_seconds)


def _serve(ctx: click.Context, max_sleep_seconds: float) -> None:
    from cli.support import jtflow_of

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    jtflow = jtflow_of(ctx)
    jtflow.next_timer_due()  # a missing or uninitialised database fails here, in one line
    daily_anchor = daily_anchor_for(ctx.obj, jtflow)  # a key that cannot work fails here too
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler = TimerScheduler(
        jtflow,
        max_sleep_seconds=max_sleep_seconds,
        daily_anchor=daily_anchor,
        daily_digest=DailyDigest(jtflow, LoggedDelivery()),
    )
    scheduler.start()
    click.echo(
        f"计时器进程已启动（{jtflow.worker_id}，租约 {jtflow.timer_lease_seconds:g} 秒，"
        f"最长休眠 {max_sleep_seconds:g} 秒{_anchoring(daily_anchor)}）："
        "发送 SIGTERM 或按 Ctrl+C 停止",
        err=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"计时器进程已停止：共触发计时器 {scheduler.fired} 个", err=True)


def _anchoring(daily_anchor: DailyAnchor | None) -> str:
    return "" if daily_anchor is None else f"，每日锚定链头至 {daily_anchor.path}"
