"""Attachments (DESIGN.md "Storage"): files stored once by SHA-256 outside the rows, their
type sniffed from the content, their size limited, every read logged and scoped like cases.

A file is uploaded first (a row without a case, readable by its uploader only) and then
bound to the case whose report or step names it, in that step's transaction; the step's
history event carries its name, SHA-256, size and type, so the chain vouches for the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

import filetype
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import (
    FieldError,
    InvalidInput,
    JtflowError,
    NotFound,
    PermissionDenied,
    Removed,
)
from ..models import Attachment, Instance, User
from ..people.access_rule import reads_everything
from ..people.accounts import log_access
from ..people.visibility import sees_case
from ..time.clock import SHANGHAI

MEGABYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MEGABYTE

# What may be uploaded: the sniffed type, its name and the file name endings that claim it.
ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("PDF", (".pdf",)),
    "image/jpeg": ("JPEG", (".jpg", ".jpeg")),
    "image/png": ("PNG", (".png",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word",
        (".docx",),
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel", (".xlsx",)),
}
ALLOWED_NAMES = "、".join(name for name, _ in ALLOWED.values())
RETENTION = ("static", "dynamic", "media")  # O4: forever, at least 1 year, at least 3 months

# What a file is for, and its O4 retention class: the documents of an application are kept
# like static data (for good); a photo of a repair like audio and video.
KINDS: dict[str, str] = {
    "application_letter": "static",  # M1 (1) 数据使用申请书
    "confidentiality": "static",  # M1 (2) 数据保密承诺书
    "credit_code": "static",  # M1 (3) 统一社会信用代码复印件
    "legal_rep_id": "static",  # M1 (4) 法定代表人身份证复印件
    "agent_id": "static",  # M1 (4) 或：申请代理人身份证复印件
    "authorisation": "static",  # M1 (4) 及单位授权委托书
    "usage_report": "static",  # M5 研究成果或应用情况
    "photo": "media",
}


class AttachmentDamaged(JtflowError):
    """A stored file whose content no longer has the SHA-256 it was stored under."""


@dataclass(frozen=True)
class AttachmentStore:
    """The folder holding the files, one per SHA-256, and the largest size accepted."""

    folder: Path
    max_bytes: int = DEFAULT_MAX_BYTES

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store the content under its SHA-256 (once: the same file twice is one file),
        written to a temporary name and renamed, so a crash never leaves half a file."""
        sha256 = hashlib.sha256(content).hexdigest()
        path = self.path_of(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as partial:
            partial.write(content)
            partial.flush()
            os.fsync(partial.fileno())
        os.replace(partial.name, path)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The content, checked against its SHA-256."""
        path = self.path_of(sha256)
        if not path.is_file():
            raise AttachmentDamaged(f"附件文件 {sha256[:12]}… 不在附件目录中：请从备份恢复")
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:
            raise AttachmentDamaged(
                f"附件文件 {sha256[:12]}… 的内容与其哈希不符（被改动或损坏）：请从备份恢复"
            )
        return content


def sniffed_type(content: bytes) -> str | None:
    """The media type the content itself shows (its magic numbers), if one we accept."""
    media_type = filetype.guess_mime(content)
    return media_type if media_type in ALLOWED else None


def checked_type(name: str, content: bytes, max_bytes: int, field: str = "file") -> str:
    """The sniffed media type of an upload, or why it is refused: empty, too large, of a
    type we do not take, or content that is not what its file name claims."""

    def refuse(message: str) -> InvalidInput:
        return InvalidInput(message, [FieldError(field, message)])

    if not content:
        raise refuse(f"文件 {name} 是空的：请重新选择文件")
    if len(content) > max_bytes:
        raise refuse(
            f"文件 {name} 有 {len(content) / MEGABYTE:.1f} MB，超过 {max_bytes / MEGABYTE:g} MB "
            "的上限：请压缩或拆分后上传"
        )
    media_type = sniffed_type(content)
    if media_type is None:
        raise refuse(f"文件 {name} 的内容不是 {ALLOWED_NAMES} 之一：请转换为这些格式后上传")
    suffix = PurePath(name).suffix.lower()
    claimed = next((t for t, (_, ends) in ALLOWED.items() if suffix in ends), None)
    if suffix and claimed != media_type:
        raise refuse(
            f"文件 {name} 的扩展名与内容不符（内容是 {ALLOWED[media_type][0]}）："
            "请上传真实的文件，勿改扩展名"
        )
    return media_type


def upload(
    session: Session,
    store: AttachmentStore,
    *,
    name: str,
    content: bytes,
    kind: str,
    by: str,
    now: datetime,
    field: str = "file",
) -> Attachment:
    """Check and store a file; its row has no case until a step binds it. The caller commits."""
    retention = KINDS.get(kind)
    if retention is None:
        message = f"附件类别 {kind} 无效：应为 {'、'.join(KINDS)} 之一"
        raise InvalidInput(message, [FieldError("kind", message)])
    media_type = checked_type(name, content, store.max_bytes, field)
    sha256 = store.put(content)
    attachment = Attachment(
        sha256=sha256,
        instance_id=None,
        name=PurePath(name.replace("\\", "/")).name[:200] or "file",
        media_type=media_type,
        size=len(content),
        kind=kind,
        retention=retention,
        uploaded_at=now,
        uploaded_by=by,
    )
    session.add(attachment)
    session.flush()
    return attachment


def describe(attachment: Attachment) -> dict[str, Any]:
    """What a step's history records of a file: enough to find it and prove it."""
    return {
        "attachment_id": attachment.id,
        "kind": attachment.kind,
        "name": attachment.name,
        "sha256": attachment.sha256,
        "size": attachment.size,
        "media_type": attachment.media_type,
    }


def pending(session: Session, ids: Sequence[int], by: str) -> list[Attachment]:
    """The uploads `by` made and no case holds yet, in the order given; else why not."""
    if not ids:
        return []  # most cases start with none: no query
    rows = {a.id: a for a in session.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
    found = []
    for id in ids:
        attachment = rows.get(id)
        if attachment is None or attachment.uploaded_by != by:
            raise NotFound(f"附件 {id} 不存在或不是 {by} 上传的：请重新上传")
        if attachment.instance_id is not None:
            raise InvalidInput(f"附件 {id}（{attachment.name}）已属于另一案件：请重新上传")
        found.append(attachment)
    return found


def bind(session: Session, ids: Sequence[int], instance_id: int, by: str) -> None:
    """Give the uploads to the case a step of `by` names them in (in that step's transaction)."""
    for attachment in pending(session, ids, by):
        attachment.instance_id = instance_id


def file_fields(schema: dict[str, Any]) -> dict[str, str]:
    """A form's file fields (`"x-widget": "file"`) and the kind of file each takes."""
    return {
        name: str(prop.get("x-kind", "photo"))
        for name, prop in schema.get("properties", {}).items()
        if prop.get("x-widget") == "file"
    }


def take_files(
    session: Session, schema: dict[str, Any], data: dict[str, Any], *, by: str, instance_id: int
) -> dict[str, Any]:
    """The form data with each file it names (`{"attachment_id": …}`, an upload of `by`'s)
    described in full from the stored row and bound to the case: the step's history then
    carries the file's name, SHA-256, size and type, whatever the client sent beside the id."""
    taken = dict(data)
    for name, kind in file_fields(schema).items():
        value = data.get(name)
        if not isinstance(value, dict):
            continue
        (upload,) = pending(session, [int(value["attachment_id"])], by)
        if upload.kind != kind:
            raise InvalidInput(
                f"附件 {upload.name} 上传为「{upload.kind}」，不能作为此处的「{kind}」提交：请重新上传",
                [FieldError(name, f"附件类别应为 {kind}")],
            )
        upload.instance_id = instance_id
        taken[name] = describe(upload)
    return taken


def may_read(session: Session, user: User, attachment: Attachment) -> bool:
    """Scoped like cases (S1): the case's readers; an upload no case holds yet, its uploader."""
    if reads_everything(user):
        return True
    if attachment.instance_id is None:
        return attachment.uploaded_by == user.username
    instance = session.get(Instance, attachment.instance_id)
    return instance is not None and sees_case(session, user, instance)


def case_attachments(session: Session, instance_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.id)
        )
    )


def read_attachment(
    session: Session, store: AttachmentStore, user: User, attachment_id: int, now: datetime
) -> tuple[Attachment, bytes]:
    """The file for a download, the reading (or the refusal) written to the access log and
    committed: a refused download is on record even though it raises PermissionDenied."""
    attachment = session.get(Attachment, attachment_id) if attachment_id < 2**31 else None
    if attachment is None:
        raise NotFound(f"附件 {attachment_id} 不存在")
    target = ("attachment", str(attachment.id))
    if not may_read(session, user, attachment):
        log_access(session, now, user.username, "download", allowed=False, target=target)
        session.commit()
        raise PermissionDenied(
            f"附件 {attachment_id} 所属案件不涉及 {user.username} 的工作，无权下载（S1）"
        )
    if attachment.removed_at is not None:
        log_access(session, now, user.username, "download", allowed=False, target=target)
        session.commit()
        day = attachment.removed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        raise Removed(
            f"附件「{attachment.name}」已于 {day} 按保存期限删除（O4），内容不可再取；"
            "案件历史仍记有其文件名和 SHA-256"
        )
    content = store.get(attachment.sha256)
    log_access(
        session, now, user.username, "download", allowed=True, target=target, detail=attachment.name
    )
    session.commit()
    return attachment, content
