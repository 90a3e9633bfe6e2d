"""A process owner's drafts (issue 14): a process's .bpmn and .dmn files edited in the browser,
saved without deploying, checked exactly as a deploy checks them, then deployed with a note.

A draft belongs to its author: one per owner and process, read and changed by nobody else.
Its files are bounded in number, name and size before anything parses them, since they come
from a browser the system does not fully trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import DeploymentError, InvalidInput, NotFound, Problem
from ..models import DiagramDraft
from .deploy import DiagramFile, check, latest_definition, parse
from .forms import FormRegistry

MAX_FILES = 20
MAX_FILE_BYTES = 2 * 1024 * 1024  # the event lifecycle, the largest diagram, is ~150 KB
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.(bpmn|dmn)$")


@dataclass(frozen=True)
class DraftFiles:
    """What the modeler opens: the owner's draft, or the newest version when there is none."""

    process_id: str
    is_draft: bool
    author: str | None
    saved_at: datetime | None
    based_on_version: int | None
    files: dict[str, str]


def open_draft(session: Session, process_id: str, author: str) -> DraftFiles:
    draft = _draft(session, process_id, author)
    if draft is not None:
        return DraftFiles(
            process_id, True, author, draft.saved_at, draft.based_on_version, dict(draft.files)
        )
    latest = latest_definition(session, process_id)
    if latest is None:
        raise NotFound(f"流程 {process_id} 尚未部署：请先用 `jtflow deploy` 部署第一个版本")
    return DraftFiles(process_id, False, None, None, latest.version, dict(latest.files))


def save_draft(
    session: Session, process_id: str, author: str, files: object, now: datetime
) -> DiagramDraft:
    """Keep the author's draft (replacing their earlier one). The caller commits."""
    checked = diagram_files(files)  # bounded before it is stored
    latest = latest_definition(session, process_id)
    if latest is None:
        raise NotFound(f"流程 {process_id} 尚未部署：请先用 `jtflow deploy` 部署第一个版本")
    draft = _draft(session, process_id, author)
    if draft is None:
        draft = DiagramDraft(process_id=process_id, author=author, based_on_version=latest.version)
        session.add(draft)
    draft.files = {f.name: f.content.decode("utf-8") for f in checked}
    draft.saved_at = now
    return draft


def discard_draft(session: Session, process_id: str, author: str) -> None:
    session.execute(
        delete(DiagramDraft).where(
            DiagramDraft.process_id == process_id, DiagramDraft.author == author
        )
    )


def diagram_files(files: object) -> list[DiagramFile]:
    """The draft's files as a deploy reads them, refused if they are not a process's files:
    one .bpmn and its .dmn files, safe names, bounded size."""
    if not isinstance(files, dict) or not files:
        raise InvalidInput("草稿应包含流程图文件：files 为「文件名 → 文本」，至少一个 .bpmn 文件")
    if len(files) > MAX_FILES:
        raise InvalidInput(f"草稿最多 {MAX_FILES} 个文件，收到 {len(files)} 个")
    out = []
    for name, text in files.items():
        if not isinstance(name, str) or not _FILE_NAME.match(name):
            raise InvalidInput(
                f"文件名 {str(name)[:100]!r} 不可用：只能用字母、数字、下划线、点和短横线，"
                "以 .bpmn 或 .dmn 结尾"
            )
        if not isinstance(text, str):
            raise InvalidInput(f"文件 {name} 的内容应为文本")
        content = text.encode("utf-8", errors="replace")
        if len(content) > MAX_FILE_BYTES:
            raise InvalidInput(f"文件 {name} 超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
        out.append(DiagramFile(name, content))
    if sum(not f.is_dmn for f in out) != 1:
        raise InvalidInput("草稿应恰好包含一个 .bpmn 文件（另可附其调用的 .dmn 文件）")
    return sorted(out, key=lambda f: (f.is_dmn, f.name))  # the diagram first, as deploy has it


def check_draft(files: list[DiagramFile], process_id: str, forms: FormRegistry) -> list[Problem]:
    """Every problem a deploy would refuse the files for, and a diagram of another process."""
    problems = check(files, forms)
    if problems:
        return sorted(problems, key=lambda p: (p.file, p.line or 0))
    try:
        parsed_id, _, _ = parse(files)
    except DeploymentError as e:
        return e.problems
    if parsed_id != process_id:
        return [
            Problem(
                f"草稿的主流程是 {parsed_id}，不是 {process_id}：请在本流程的草稿中保留其流程 id",
                files[0].name,
                parsed_id,
            )
        ]
    return []


def _draft(session: Session, process_id: str, author: str) -> DiagramDraft | None:
    return session.scalar(
        select(DiagramDraft).where(
            DiagramDraft.process_id == process_id, DiagramDraft.author == author
        )
    )
