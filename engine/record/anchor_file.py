"""The anchor file (S2): an append-only chain of signed checkpoints of every case's chain head.

One line per checkpoint, JSON with sorted keys and no spaces:

    {"at":"2026-11-27T16:05:00+00:00","cases":100000,"day":"2026-11-28",
     "format":"jtflow-anchor/1","heads":[[case id,seq,"hash"],…],"key":"key id",
     "number":2,"prev":"signature of line 1","rewritten":[case id,…],
     "root":"sha-256","sig":"hmac-sha-256"}

- `heads`: only the heads that moved since the checkpoint before (every head in the first),
  so the file grows by the cases that changed, not by every case every day. Replaying the
  lines rebuilds each case's anchored head: its seq and the hash of that event.
- `root`: SHA-256 over the rebuilt heads of every case after this line, one
  "case id seq hash\\n" per case in id order; `cases`: how many.
- `rewritten`: cases whose anchored event no longer held its anchored hash when this
  checkpoint was made; their anchored head was kept, not moved.
- `prev`: the signature of the line before (64 zeros in the first), so lines cannot be
  dropped from the middle, reordered or spliced from another file; `key`: the key's id.
- `sig`: HMAC-SHA256 with the audit key over the line's bytes as they would be without
  `sig` — everything before `,"sig":` followed by `}`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from ..errors import AnchorInvalid, ConfigurationError
from .anchor_key import AnchorKey

FORMAT = "jtflow-anchor/1"
GENESIS = "0" * 64
SIG_PREFIX = b',"sig":"'
SIG_TAIL = len(SIG_PREFIX) + 64 + 2  # ,"sig":"<64 hex>"}

# A case's anchored head: its seq, the hash of that event, the checkpoint that anchored it.
Heads = dict[int, tuple[int, str, int]]


@dataclass(frozen=True)
class Checkpoint:
    number: int
    at: datetime
    day: str | None
    cases: int
    changed: int
    root: str
    signature: str
    rewritten: tuple[int, ...] = ()


@dataclass
class AnchorLog:
    """An anchor file read and proved: its checkpoints and every case's anchored head."""

    path: Path
    checkpoints: list[Checkpoint] = field(default_factory=list)
    heads: Heads = field(default_factory=dict)

    @property
    def chain(self) -> str | None:
        """Which file this is, wherever it is copied: the signature of its first line."""
        return self.checkpoints[0].signature if self.checkpoints else None

    @property
    def newest(self) -> Checkpoint | None:
        return self.checkpoints[-1] if self.checkpoints else None


def heads_root(heads: Heads) -> str:
    text = "".join(
        f"{case_id} {heads[case_id][0]} {heads[case_id][1]}\n" for case_id in sorted(heads)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def signed_line(body: dict[str, Any], key: AnchorKey) -> tuple[bytes, str]:
    """The checkpoint's line (ending in a newline) and its signature."""
    payload = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    signature = key.sign(payload)
    return payload[:-1] + SIG_PREFIX + signature.encode() + b'"}\n', signature


def parse_log(data: bytes, key: AnchorKey, path: Path) -> AnchorLog:
    """Prove every line (signature, key, number, link to the line before) and rebuild the
    anchored heads; the newest line's root must be the root of what was rebuilt."""
    log = AnchorLog(path)
    if data and not data.endswith(b"\n"):
        raise AnchorInvalid(
            f"锚定文件 {path} 的最后一行不完整（写入时中断）：请把文件另存备查，"
            "再用新的锚定文件（--file 或 JTFLOW_AUDIT_ANCHOR_FILE）重新锚定"
        )
    prev = GENESIS
    for number, line in enumerate(data.splitlines(), start=1):
        body = _proved(line, number, prev, key, path)
        heads = body["heads"]
        for case_id, seq, head in heads:
            log.heads[case_id] = (seq, head, number)
        prev = body["sig"]
        log.checkpoints.append(
            Checkpoint(
                number=number,
                at=datetime.fromisoformat(body["at"]),
                day=body["day"],
                cases=body["cases"],
                changed=len(heads),
                root=body["root"],
                signature=prev,
                rewritten=tuple(body["rewritten"]),
            )
        )
    newest = log.newest
    if newest is not None and (newest.root, newest.cases) != (
        heads_root(log.heads),
        len(log.heads),
    ):
        raise AnchorInvalid(
            f"锚定文件 {path} 第 {newest.number} 行的根哈希与逐行重建的链头不符："
            "文件不是由 jtflow audit anchor 写成的，请核查该文件的来源"
        )
    return log


def _proved(line: bytes, number: int, prev: str, key: AnchorKey, path: Path) -> dict[str, Any]:
    where = f"锚定文件 {path} 第 {number} 行"
    try:
        body = orjson.loads(line)
        if line[-SIG_TAIL:][: len(SIG_PREFIX)] != SIG_PREFIX or body.get("format") != FORMAT:
            raise ValueError
    except (orjson.JSONDecodeError, ValueError, AttributeError):
        raise AnchorInvalid(
            f"{where}不是 jtflow 的锚定检查点：该行被改动，或文件不是锚定文件"
        ) from None
    if body.get("key") != key.key_id:
        raise AnchorInvalid(
            f"{where}是用另一把密钥签的（密钥标识 {body.get('key')}，当前密钥 {key.key_id}）："
            "请设置签发它时的 JTFLOW_AUDIT_KEY 或 JTFLOW_AUDIT_KEY_FILE"
        )
    if not key.signed(line[:-SIG_TAIL] + b"}", str(body.get("sig"))):
        raise AnchorInvalid(f"{where}的签名不符：该行在签发后被改动过，不能作为锚定依据")
    if body.get("number") != number or body.get("prev") != prev:
        raise AnchorInvalid(
            f"{where}与上一行不相连（应为第 {number} 个检查点）：文件中有检查点被删除、调换或拼接"
        )
    return dict(body)


@contextmanager
def appending(path: Path) -> Iterator[AnchorFileHandle]:
    """The anchor file opened to append (created if new), locked against other anchoring
    processes on this machine until the checkpoint is written."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as e:
        raise ConfigurationError(
            f"无法打开锚定文件 {path}（{e.strerror}）：请检查 JTFLOW_AUDIT_ANCHOR_FILE 或 --file，"
            "以及所在文件夹是否存在、可写"
        ) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield AnchorFileHandle(descriptor)
    finally:
        os.close(descriptor)  # closing releases the lock


def read_anchor_file(path: Path) -> bytes:
    """The whole file, read while no checkpoint is being appended to it."""
    try:
        with path.open("rb") as file:
            fcntl.flock(file.fileno(), fcntl.LOCK_SH)
            return file.read()
    except FileNotFoundError:
        raise AnchorInvalid(
            f"锚定文件 {path} 不存在：请给出 jtflow audit anchor 写入的文件"
        ) from None
    except OSError as e:
        raise AnchorInvalid(f"无法读取锚定文件 {path}（{e.strerror}）") from None


class AnchorFileHandle:
    def __init__(self, descriptor: int):
        self.descriptor = descriptor

    def read(self) -> bytes:
        parts, offset = [], 0
        while chunk := os.pread(self.descriptor, 1 << 24, offset):
            parts.append(chunk)
            offset += len(chunk)
        return b"".join(parts)

    def append(self, line: bytes) -> None:
        """Write the whole line and make it durable before the database records it."""
        view = memoryview(line)
        while view:
            view = view[os.write(self.descriptor, view) :]
        os.fsync(self.descriptor)
