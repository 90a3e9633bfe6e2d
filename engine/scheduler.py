"""The timer scheduler: APScheduler only wakes the process; timer rows are the truth.

One 'date' job is kept, set for the next instant a timer may be claimed (DESIGN.md "Time").
Each wake fires what is due (claimed under a lease, see engine/time/timers.py), then sets the
job again. The wait is capped at `max_sleep_seconds` because a timer created by *another*
process (a web node, another worker, `jtflow task complete`) does not wake this one: the
cap bounds how late such a timer can be noticed. `wake()` is the same-process shortcut,
for a step that has just created a timer. Started, it first fires everything that came
due while the process was down, once each, earliest due first.

With an audit key configured it also wakes the daily checkpoint of the chain heads
(engine/daily_anchor.py), a job of its own so anchoring never delays a timer; the daily
digests of notifications (engine/notify/digest.py) likewise.

Runs inside the web process or as `jtflow worker`; it never imports Flask.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from .daily_anchor import DailyAnchor
from .models import Definition
from .notify.digest import DailyDigest
from .retiming import LoadedYears
from .service import Jtflow
from .time.clock import Clock

log = logging.getLogger(__name__)

JOB_ID = "jtflow-timers"
ANCHOR_JOB_ID = "jtflow-daily-anchor"
DIGEST_JOB_ID = "jtflow-daily-digest"
DEFAULT_MAX_SLEEP_SECONDS = 30.0


class JobScheduler(Protocol):
    """The part of APScheduler this class uses (a test passes a recorder instead)."""

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...

    def add_job(self, func: Any, trigger: str, **kwargs: Any) -> Any: ...


class TimerScheduler:
    def __init__(
        self,
        jtflow: Jtflow,
        *,
        clock: Clock | None = None,
        max_sleep_seconds: float = DEFAULT_MAX_SLEEP_SECONDS,
        scheduler: JobScheduler | None = None,
        daily_anchor: DailyAnchor | None = None,
        daily_digest: DailyDigest | None = None,
    ):
        self.jtflow = jtflow
        self.clock = clock or jtflow.clock
        self.max_sleep = timedelta(seconds=max_sleep_seconds)
        self._scheduler: JobScheduler = scheduler or BackgroundScheduler(timezone=UTC)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._ticking = False
        self._stopping = False
        self._woken = False  # a wake() came while a tick ran: run again right after it
        self.fired = 0  # timers fired since start, for logs and tests
        self.calendar_years = LoadedYears(jtflow)  # years an administrator loaded elsewhere
        self.next_run_at: datetime | None = None
        self.daily_anchor = daily_anchor
        self.daily_digest = daily_digest

    def start(self) -> None:
        """Start waking; the first wake is now, so timers missed while down fire first."""
        self.warm_up()
        self._scheduler.start()
        self.wake()
        if self.daily_anchor is not None:  # a day not yet anchored is anchored at start
            self._daily(self.daily_anchor.run, self.daily_anchor.check_seconds, ANCHOR_JOB_ID)
        if self.daily_digest is not None:
            self._daily(self.daily_digest.run, self.daily_digest.check_seconds, DIGEST_JOB_ID)

    def _daily(self, run: Any, check_seconds: float, job_id: str) -> None:
        """A job looking every `check_seconds` whether its day's work is done, first now."""
        self._scheduler.add_job(
            run,
            "interval",
            seconds=check_seconds,
            next_run_time=self.clock.now(),
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

    def warm_up(self) -> None:
        """Build the deployed specs now, so the first timer to come due is not late by it."""
        try:
            with self.jtflow.sessions() as session:
                for definition_id in session.scalars(select(Definition.id)):
                    self.jtflow.runtime.spec_of(session, definition_id)
        except Exception:  # only a head start: the first firing builds them anyway
            log.exception("building the deployed specs ahead of time failed")

    def shutdown(self, wait: bool = True) -> None:
        """Stop; with wait, the timer batch being fired is finished first.

        No job is added once stopping: APScheduler's shutdown(wait=True) holds the job-store
        lock while it waits for running jobs, so a tick adding the next job would deadlock."""
        with self._lock:
            self._stopping = True
            while wait and self._ticking:
                self._idle.wait()
        self._scheduler.shutdown(wait=wait)

    def wake(self) -> None:
        """A step in this process just created a timer: look at the table now."""
        with self._lock:
            if self._ticking:
                self._woken = True
            else:
                self._schedule(self.clock.now())

    def next_wake(self, now: datetime) -> datetime:
        """The next instant to look: the next claimable timer, never later than now + max sleep."""
        cap = now + self.max_sleep
        due = self.jtflow.next_timer_due()
        if due is None or due > cap:
            return cap
        return max(due, now)

    def tick(self) -> int:
        """One wake: fire what is due, then set the next wake. Returns how many fired."""
        with self._lock:
            if self._stopping:
                return 0
            if self._ticking:  # a wake raced the end of the previous tick: that one reschedules
                self._woken = True
                return 0
            self._ticking, self._woken = True, False
        fired = 0
        try:
            self.calendar_years.refresh()  # SPEC §2: deadlines on the calendar now in force
            fired = self.jtflow.fire_due_timers()
            self.fired += fired
        except Exception:  # the database may be away for a moment: log, and look again later
            log.exception("firing due timers failed; retrying at the next wake")
        finally:
            now = self.clock.now()
            try:
                at = self.next_wake(now)
            except Exception:
                log.exception("reading the next timer failed; retrying after the maximum sleep")
                at = now + self.max_sleep
            with self._lock:
                self._ticking = False
                self._idle.notify_all()
                self._schedule(now if self._woken else at)
        return fired

    def _schedule(self, at: datetime) -> None:
        """Set the one wake-up job; call with the lock held."""
        if self._stopping:
            return
        self.next_run_at = at
        self._scheduler.add_job(
            self.tick,
            "date",
            run_date=at,
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,  # a late wake still runs: lateness is measured, not hidden
            coalesce=True,
            # the next job is added while the current tick is still returning; APScheduler
            # would drop it (and with it every later wake) at max_instances=1. tick() itself
            # makes sure only one runs at a time.
            max_instances=3,
        )
