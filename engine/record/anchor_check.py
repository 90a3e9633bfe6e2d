"""`audit verify --since-anchor FILE` (S2): nothing up to the newest checkpoint was rewritten,
not even by someone who recomputed every hash and chain head in the database.

Every line of the anchor file is proved (engine/record/anchor_file.py) and the anchored heads
rebuilt. The database's chains are recomputed as `audit verify` does (engine/record/audit.py).
A chain that recomputes cleanly and still stores, at each case's anchored seq, the
anchored hash holds the anchored events unchanged (a hash fixes everything before it); a
case whose event there has another hash, or none, was rewritten after its checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import AnchorInvalid
from ..models import AuditAnchor
from .anchor_file import AnchorLog, Checkpoint, parse_log, read_anchor_file
from .anchor_key import AnchorKey
from .anchoring import case_numbers, stored_hashes
from .audit import Verification, verify


@dataclass(frozen=True)
class Rewritten:
    """A case whose anchored event no longer carries the anchored hash."""

    case_id: int
    case_no: str | None
    seq: int
    checkpoint: int  # the line of the file that anchored this head
    reason: str


@dataclass(frozen=True)
class AnchorVerification:
    chains: Verification  # the plain verify of the same cases
    checkpoints: int
    newest: Checkpoint
    anchored: int  # cases checked against their anchored head
    rewritten: list[Rewritten]
    lines_lost: int  # checkpoints of this file the database recorded but the file lacks

    @property
    def intact(self) -> bool:
        return not self.chains.broken and not self.rewritten


def read_anchor_log(path: Path, key: AnchorKey) -> AnchorLog:
    log = parse_log(read_anchor_file(path), key, path)
    if log.newest is None:
        raise AnchorInvalid(f"锚定文件 {path} 是空的：请先运行 jtflow audit anchor")
    return log


def verify_since_anchor(
    session: Session, key: AnchorKey, path: Path, case_id: int | None = None
) -> AnchorVerification:
    """Prove the file, recompute the chains, and compare each anchored case's stored hash at
    its anchored seq with the file's."""
    log = read_anchor_log(path, key)
    assert log.newest is not None
    chains = verify(session, case_id)
    anchored = log.heads
    if case_id is not None:
        anchored = {case_id: log.heads[case_id]} if case_id in log.heads else {}
    stored = stored_hashes(session, ((c, seq) for c, (seq, _, _) in anchored.items()))
    found: list[tuple[int, int, int, str]] = []
    for anchored_id, (seq, head, number) in anchored.items():
        now = stored.get((anchored_id, seq))
        if now is None:
            found.append(
                (anchored_id, seq, number, f"第 {seq} 条事件缺失，而锚定时它存在（历史被删改）")
            )
        elif now != head:
            found.append(
                (anchored_id, seq, number, f"第 {seq} 条事件的哈希与锚定的不符（锚定后历史被改写）")
            )
    names = case_numbers(session, [item[0] for item in found])
    rewritten = [
        Rewritten(case, names.get(case), seq, number, reason)
        for case, seq, number, reason in sorted(found)
    ]
    return AnchorVerification(
        chains=chains,
        checkpoints=len(log.checkpoints),
        newest=log.newest,
        anchored=len(anchored),
        rewritten=rewritten,
        lines_lost=_lines_lost(session, log),
    )


def _lines_lost(session: Session, log: AnchorLog) -> int:
    """A copy of the file older than the newest checkpoint recorded for it, or a file whose
    last lines were cut off: what the file lacks is unproved, though what it has holds."""
    recorded = session.scalar(
        select(func.max(AuditAnchor.number)).where(AuditAnchor.chain == log.chain)
    )
    return max(0, (recorded or 0) - len(log.checkpoints))
