"""The session signing key: JTFLOW_SECRET_KEY, or one generated once and kept beside the
SQLite database, so sessions survive a restart and every process of one city shares it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.config import Settings
from engine.errors import ConfigurationError


def secret_key(settings: Settings) -> str:
    given = os.environ.get("JTFLOW_SECRET_KEY")
    if given:
        return given
    url = settings.database_url
    if not url.startswith("sqlite:///"):
        raise ConfigurationError(
            "使用 PostgreSQL 等共享数据库时请设置 JTFLOW_SECRET_KEY（各进程相同的随机字符串）"
        )
    path = Path(url.removeprefix("sqlite:///") + ".secret")
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
