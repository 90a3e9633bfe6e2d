"""Attachments (DESIGN.md "Storage"): stored once by SHA-256, type sniffed from the content,
size limited, bound to a case by the step naming them, read only by the case's readers and
every reading logged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.models import AccessLog, Attachment, User
from engine.record.attachments import (
    AttachmentDamaged,
    AttachmentStore,
    bind,
    read_attachment,
    upload,
)
from tests import files


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments", max_bytes=1024)


def put(jtflow, store, name: str, content: bytes, by: str = "c_12328") -> Attachment:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        attachment = upload(
            session,
            store,
            name=name,
            content=content,
            kind="photo",
            by=by,
            now=jtflow.clock.now(),
        )
        session.commit()
        return attachment


def user(jtflow, username: str) -> User:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        found = session.scalar(select(User).where(User.username == username))
        assert found is not None
        return found


def test_a_file_is_stored_once_under_its_sha256(jtflow, store):  # type: ignore[no-untyped-def]
    first = put(jtflow, store, "现场.png", files.PNG)
    second = put(jtflow, store, "again.png", files.PNG)
    digest = hashlib.sha256(files.PNG).hexdigest()
    assert first.sha256 == second.sha256 == digest
    assert first.media_type == "image/png" and first.size == len(files.PNG)
    assert first.retention == "media"  # O4: a photo is kept like audio and video
    stored = [p for p in store.folder.rglob("*") if p.is_file()]
    assert stored == [store.path_of(digest)]
    assert store.get(digest) == files.PNG


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.pdf", files.PNG, "扩展名与内容不符"),
        ("photo.jpg", files.PDF, "扩展名与内容不符"),
        ("notes.txt", b"plain words, no magic number", "内容不是"),
        ("empty.pdf", b"", "是空的"),
        ("big.pdf", files.PDF + b"0" * 2048, "超过"),
    ],
)
def test_a_file_not_what_it_claims_or_too_large_is_refused(  # type: ignore[no-untyped-def]
    jtflow, store, name, content, says
):
    with pytest.raises(InvalidInput, match=says):
        put(jtflow, store, name, content)
    with jtflow.sessions() as session:
        assert session.scalar(select(Attachment.id)) is None
    assert not any(p.is_file() for p in store.folder.rglob("*"))


def test_a_word_file_is_recognised_from_its_content(jtflow, store):  # type: ignore[no-untyped-def]
    big = AttachmentStore(store.folder, max_bytes=10 * 1024 * 1024)
    assert put(jtflow, big, "承诺书.docx", files.docx()).media_type.endswith("document")


def test_an_upload_no_case_holds_is_read_by_its_uploader_only(jtflow, store):  # type: ignore[no-untyped-def]
    attachment = put(jtflow, store, "a.pdf", files.PDF)
    with jtflow.sessions() as session:
        got, content = read_attachment(
            session, store, user(jtflow, "c_12328"), attachment.id, jtflow.clock.now()
        )
        assert content == files.PDF
        with pytest.raises(PermissionDenied):
            read_attachment(
                session, store, user(jtflow, "bus_handler"), attachment.id, jtflow.clock.now()
            )
        log = list(session.scalars(select(AccessLog).where(AccessLog.target_kind == "attachment")))
    assert [(e.username, e.allowed) for e in log] == [("c_12328", True), ("bus_handler", False)]


def test_binding_takes_only_the_users_own_unbound_uploads(jtflow, store):  # type: ignore[no-untyped-def]
    mine = put(jtflow, store, "a.pdf", files.pdf("a"))
    with jtflow.sessions() as session:
        with pytest.raises(NotFound):
            bind(session, [mine.id], 1, "bus_handler")
        with pytest.raises(NotFound):
            bind(session, [99999], 1, "c_12328")


def test_a_damaged_file_is_said_so(jtflow, store):  # type: ignore[no-untyped-def]
    attachment = put(jtflow, store, "a.pdf", files.PDF)
    store.path_of(attachment.sha256).write_bytes(files.PDF + b"tampered")
    with pytest.raises(AttachmentDamaged, match="哈希不符"):
        store.get(attachment.sha256)
