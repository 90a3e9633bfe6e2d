"""The daily checkpoint of every chain head (S2), made by the scheduler of `jtflow serve` or
`jtflow worker` when an audit key is configured.

APScheduler only wakes the job (every CHECK_SECONDS); the day is the injected clock's
date in Asia/Shanghai. The first wake of a day with no checkpoint makes it, so a process
started at noon anchors at once and then shortly after each midnight. Of several
processes sharing a database one makes it: the checkpoint's row carries the day under a
unique key, and the others find the day taken.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .config import Settings
from .record.anchor_key import AnchorKey, anchor_file, anchor_key, key_configured
from .record.anchoring import Anchored, anchor
from .service import Jtflow
from .time.clock import SHANGHAI, Clock

log = logging.getLogger(__name__)

CHECK_SECONDS = 600.0


class DailyAnchor:
    def __init__(self, jtflow: Jtflow, key: AnchorKey, path: Path, *, clock: Clock | None = None):
        self.jtflow = jtflow
        self.key = key
        self.path = path
        self.clock = clock or jtflow.clock
        self.check_seconds = CHECK_SECONDS
        self.done_day: str | None = None  # the day this process knows is anchored

    def run(self) -> Anchored | None:
        """One wake: make today's checkpoint unless it is made. Never raises: the database or
        the file may be away for a moment, and the next wake tries again."""
        now = self.clock.now()
        day = now.astimezone(SHANGHAI).date().isoformat()
        if day == self.done_day:
            return None
        try:
            made = anchor(
                self.jtflow.sessions,
                self.key,
                self.path,
                at=now,
                day=day,
                made_by=self.jtflow.worker_id,
            )
        except Exception:
            log.exception("anchoring the chain heads failed; trying again at the next wake")
            return None
        self.done_day = day
        if made is not None and made.rewritten:
            names = "、".join(no or f"#{case_id}" for case_id, no in made.rewritten)
            log.error(
                "%d 个案件锚定后历史被改写（%s）：请运行 jtflow audit verify --since-anchor %s",
                len(made.rewritten),
                names,
                self.path,
            )
        return made


def daily_anchor_for(settings: Settings, jtflow: Jtflow) -> DailyAnchor | None:
    """The daily checkpoint when a key is configured; a key or file that cannot work is
    refused now, when the process starts, not at midnight."""
    if not key_configured(settings):
        return None
    return DailyAnchor(jtflow, anchor_key(settings), anchor_file(settings))
