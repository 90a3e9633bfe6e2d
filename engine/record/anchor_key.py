"""The key that signs anchored chain heads (S2), and the file checkpoints are appended to.

The key is what someone who can write the database lacks: it comes from JTFLOW_AUDIT_KEY
or from an owner-only file named by JTFLOW_AUDIT_KEY_FILE, stays in memory, and is never
written to the database, the anchor file or a log. Each checkpoint carries the key's id
(an HMAC of a fixed text, which reveals nothing of the key), so a file signed with
another key is named as such rather than as tampered.
"""

from __future__ import annotations

import hashlib
import hmac
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import ConfigurationError

MIN_KEY_BYTES = 32
HOW_TO_SET = (
    "请设置 JTFLOW_AUDIT_KEY（至少 32 个字符的随机串，可用 "
    "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'` 生成）"
    "或 JTFLOW_AUDIT_KEY_FILE（只有属主可读的密钥文件）；密钥不要放进数据库"
)


class KeySettings(Protocol):
    """The settings read here (engine.config.Settings has them); named by shape so the
    record does not import the services layer above it."""

    @property
    def database_url(self) -> str: ...
    @property
    def audit_key(self) -> str | None: ...
    @property
    def audit_key_file(self) -> Path | None: ...
    @property
    def audit_anchor_file(self) -> Path | None: ...


@dataclass(frozen=True)
class AnchorKey:
    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return self.sign(b"jtflow anchor key id")[:16]

    def sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def signed(self, payload: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(payload), signature)


def key_configured(settings: KeySettings) -> bool:
    """Whether this installation anchors at all (the scheduler's daily checkpoint)."""
    return bool(settings.audit_key or settings.audit_key_file)


def anchor_key(settings: KeySettings) -> AnchorKey:
    """The audit key from the environment or its file; a missing, loose or short key is
    refused with the setting to fix."""
    if settings.audit_key and settings.audit_key_file:
        raise ConfigurationError(
            "JTFLOW_AUDIT_KEY 与 JTFLOW_AUDIT_KEY_FILE 同时设置了：请只保留其中一个"
        )
    if settings.audit_key_file:
        secret = _read_key_file(settings.audit_key_file)
        source = f"密钥文件 {settings.audit_key_file}"
    elif settings.audit_key:
        secret, source = settings.audit_key.strip().encode(), "JTFLOW_AUDIT_KEY"
    else:
        raise ConfigurationError(f"没有审计锚定密钥：{HOW_TO_SET}")
    if len(secret) < MIN_KEY_BYTES:
        raise ConfigurationError(
            f"{source} 中的审计密钥太短（{len(secret)} 字节，至少 {MIN_KEY_BYTES} 字节）：{HOW_TO_SET}"
        )
    return AnchorKey(secret)


def _read_key_file(path: Path) -> bytes:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigurationError(
                f"密钥文件 {path} 的权限是 {mode:04o}，属主以外的用户也能访问："
                f"请运行 chmod 600 {path}（JTFLOW_AUDIT_KEY_FILE）"
            )
        return path.read_bytes().strip()
    except FileNotFoundError:
        raise ConfigurationError(f"密钥文件 {path} 不存在：请检查 JTFLOW_AUDIT_KEY_FILE") from None
    except OSError as e:
        raise ConfigurationError(
            f"无法读取密钥文件 {path}（{e.strerror}）：请检查 JTFLOW_AUDIT_KEY_FILE 与文件权限"
        ) from None


def anchor_file(settings: KeySettings, given: Path | None = None) -> Path:
    """Where checkpoints go: `--file`, else JTFLOW_AUDIT_ANCHOR_FILE, else beside the SQLite
    file. A shared database has no 'beside': there the setting is required."""
    if given is not None:
        return given
    if settings.audit_anchor_file is not None:
        return settings.audit_anchor_file
    url = settings.database_url
    database = url.removeprefix("sqlite:///")
    if url.startswith("sqlite:///") and database and database != ":memory:":
        return Path(database + ".anchors")
    raise ConfigurationError(
        "使用 PostgreSQL 等共享数据库时请设置 JTFLOW_AUDIT_ANCHOR_FILE（或 --file）："
        "锚定文件应放在数据库以外、只允许追加的地方（如 chattr +a 的文件或共享存储）"
    )
