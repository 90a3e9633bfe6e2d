"""Settings from JTFLOW_* environment variables, and building a Jtflow from them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from .db import make_engine, make_session_factory
from .definitions.forms import FormRegistry
from .errors import ConfigurationError
from .record.attachments import DEFAULT_MAX_BYTES, MEGABYTE, AttachmentStore
from .run.guarded_evaluator import CodeBudget
from .service import Jtflow
from .time.calendar import WorkingCalendar, load_year_file
from .time.calendar_years import with_stored_years
from .time.clock import Clock, SystemClock
from .time.timers import DEFAULT_LEASE_SECONDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CALENDARS = Path(__file__).resolve().parent / "time" / "calendar_data"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///jtflow.sqlite"
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    calendar_dirs: tuple[Path, ...] = field(default=(BUNDLED_CALENDARS,))
    timer_lease_seconds: float = DEFAULT_LEASE_SECONDS
    # recently stepped cases kept deserialized in memory (0: every step loads its stored state)
    live_workflows: int = 256
    secure_cookies: bool = False  # served over HTTPS: session cookies marked Secure
    # Reverse proxies in front whose X-Forwarded-For is believed: sign-in failures are
    # counted per client address, which behind a proxy is otherwise the proxy's own.
    trusted_proxies: int = 0
    code_budget: CodeBudget = CodeBudget()
    # S2: the key that signs the anchored chain heads, never stored in the database (nor
    # shown in a repr); or the owner-only file holding it. engine/record/anchor_key.py reads them.
    audit_key: str | None = field(default=None, repr=False)
    audit_key_file: Path | None = None
    audit_anchor_file: Path | None = None  # where checkpoints are appended
    # Attachments (DESIGN.md "Storage"): the folder of files named by SHA-256 (None: an
    # `attachments` folder beside the SQLite file) and the largest file accepted.
    attachments_dir: Path | None = None
    attachment_max_bytes: int = DEFAULT_MAX_BYTES
    # how often an open page's bell looks for new notifications (issue 16)
    bell_seconds: float = 15.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        extra = env.get("JTFLOW_CALENDAR_DIR")
        key_file = env.get("JTFLOW_AUDIT_KEY_FILE")
        anchor_file = env.get("JTFLOW_AUDIT_ANCHOR_FILE")
        attachments_dir = env.get("JTFLOW_ATTACHMENTS_DIR")
        return cls(
            database_url=env.get("JTFLOW_DATABASE_URL", defaults.database_url),
            processes_dir=Path(env.get("JTFLOW_PROCESSES_DIR", defaults.processes_dir)),
            forms_dir=Path(env.get("JTFLOW_FORMS_DIR", defaults.forms_dir)),
            calendar_dirs=defaults.calendar_dirs + ((Path(extra),) if extra else ()),
            audit_key=env.get("JTFLOW_AUDIT_KEY") or None,
            audit_key_file=Path(key_file) if key_file else None,
            audit_anchor_file=Path(anchor_file) if anchor_file else None,
            attachments_dir=Path(attachments_dir) if attachments_dir else None,
            attachment_max_bytes=int(
                _positive(
                    env, "JTFLOW_ATTACHMENT_MAX_MB", defaults.attachment_max_bytes / MEGABYTE, "MB"
                )
                * MEGABYTE
            ),
            secure_cookies=_flag(env, "JTFLOW_SECURE_COOKIES", defaults.secure_cookies),
            trusted_proxies=_count(env, "JTFLOW_TRUSTED_PROXIES", defaults.trusted_proxies),
            live_workflows=_count(env, "JTFLOW_LIVE_WORKFLOWS", defaults.live_workflows),
            timer_lease_seconds=_positive(
                env, "JTFLOW_TIMER_LEASE_SECONDS", defaults.timer_lease_seconds, "秒"
            ),
            bell_seconds=_positive(env, "JTFLOW_BELL_SECONDS", defaults.bell_seconds, "秒"),
            code_budget=CodeBudget(
                seconds=_positive(env, "JTFLOW_SCRIPT_SECONDS", defaults.code_budget.seconds, "秒"),
                max_value=int(
                    _positive(
                        env, "JTFLOW_SCRIPT_MAX_VALUE", defaults.code_budget.max_value, "个元素"
                    )
                ),
            ),
        )


def _positive(env: Mapping[str, str], name: str, default: float, unit: str) -> float:
    text = env.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigurationError(f"{name}={text} 无效：应为正数（{unit}），如 {default:g}")
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if text is None or text.strip() == "":
        return default
    if not text.strip().isdigit() or int(text) > 10:
        raise ConfigurationError(
            f"{name}={text} 无效：应为 0–10 的整数（应用前面的反向代理层数，没有则为 0）"
        )
    return int(text)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    text = env.get(name)
    if text is None or text.strip() == "":
        return default
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name}={text} 无效：应为 1（开启）或 0（关闭）")


def load_calendar(dirs: tuple[Path, ...]) -> WorkingCalendar:
    """Official years from chinesecalendar, plus every YEAR.json found in the calendar folders."""
    calendar = WorkingCalendar()
    for folder in dirs:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            calendar = calendar.with_year(load_year_file(path))
    return calendar


def attachment_store(settings: Settings) -> AttachmentStore:
    """Where attachments are kept: the configured folder, else beside the SQLite file (or
    the working folder for another database)."""
    folder = settings.attachments_dir
    if folder is None:
        url = settings.database_url
        base = (
            Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path()
        )
        folder = base / "attachments"
    return AttachmentStore(folder, settings.attachment_max_bytes)


def open_jtflow(
    settings: Settings, clock: Clock | None = None, *, engine: Engine | None = None
) -> Jtflow:
    """The engine on the configured database (or on `engine`, made by db.make_engine, which
    the web app shares with its pages); the calendar is the package's years, the calendar
    folders' files, and on top the years an administrator loaded (SPEC §2)."""
    sessions = make_session_factory(engine or make_engine(settings.database_url))
    return Jtflow(
        sessions,
        clock=clock or SystemClock(),
        calendar=with_stored_years(load_calendar(settings.calendar_dirs), sessions),
        forms=FormRegistry(settings.forms_dir),
        timer_lease_seconds=settings.timer_lease_seconds,
        code_budget=settings.code_budget,
        live_workflows=settings.live_workflows,
    )
