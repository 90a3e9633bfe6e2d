"""The session signing key: JTFLOW_SECRET_KEY, or one generated once and kept beside the
SQLite database, so sessions survive a restart and every process of one city shares it."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from engine.config import Settings
from engine.errors import ConfigurationError

OWNER_ONLY = 0o600


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
        _create_key_file(path)
    elif stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(OWNER_ONLY)  # a copy made with a loose umask: nobody else may read it
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ConfigurationError(f"会话密钥文件 {path} 是空的：请删除它，jtflow 会重新生成")
    return key


def _create_key_file(path: Path) -> None:
    """Write the key to a private temporary file, owner-only from its first byte
    (os.open with mode 0o600, whatever the umask allows at most that), then link it into
    place: a process starting at the same moment sees either no file or the whole key,
    and the first link wins."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48))
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: its key wins
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
