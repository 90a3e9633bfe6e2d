"""Forms edited in the browser (issue 14): a process owner's draft of a form, then deployed
as the form's next version, in force from that instant for every step that names it.

A form is checked as a file in forms/ is (an object schema of JSON Schema 2020-12, patterns
as JSON Schema reads them) before it is stored, draft or deployed, and bounded in size.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import FormDraft, FormVersion
from .forms import FormRegistry, checked_schema

MAX_SCHEMA_BYTES = 256 * 1024  # the largest bundled form is under 10 KB
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


@dataclass(frozen=True)
class OpenForm:
    name: str
    schema: dict[str, Any]
    is_draft: bool
    version: int  # the version in force (0: the file in forms/, or none yet)


def open_form(session: Session, forms: FormRegistry, name: str, author: str) -> OpenForm:
    """The owner's draft of the form, else the form in force; a new name starts empty."""
    _check_name(name)
    draft = _draft(session, name, author)
    version = forms.version(name) if forms.has(name) else 0
    if draft is not None:
        return OpenForm(name, dict(draft.schema), True, version)
    if forms.has(name):
        return OpenForm(name, forms.schema(name), False, version)
    return OpenForm(name, {"type": "object", "title": name, "properties": {}}, False, 0)


def save_form_draft(
    session: Session, name: str, author: str, schema: object, now: datetime
) -> FormDraft:
    checked = _checked(name, schema)
    draft = _draft(session, name, author)
    if draft is None:
        draft = FormDraft(name=name, author=author)
        session.add(draft)
    draft.schema, draft.saved_at = checked, now
    return draft


def discard_form_draft(session: Session, name: str, author: str) -> None:
    session.execute(delete(FormDraft).where(FormDraft.name == name, FormDraft.author == author))


def deploy_form_draft(
    session: Session, forms: FormRegistry, name: str, author: str, now: datetime, note: str | None
) -> FormVersion:
    """The owner's draft as the form's next version, in force from `now`; the draft is gone.
    The caller commits, then tells the registry (`forms.forget_deployed()`)."""
    draft = _draft(session, name, author)
    if draft is None:
        raise InvalidInput(f"还没有表单 {name} 的草稿：请先保存草稿，再部署")
    schema = _checked(name, draft.schema)
    newest = session.scalar(select(func.max(FormVersion.version)).where(FormVersion.name == name))
    version = FormVersion(
        name=name,
        version=(newest or 0) + 1,
        schema=schema,
        deployed_at=now,
        deployed_by=author,
        note=note,
    )
    session.add(version)
    session.delete(draft)
    return version


def _checked(name: str, schema: object) -> dict[str, Any]:
    _check_name(name)
    if len(json.dumps(schema, ensure_ascii=False).encode()) > MAX_SCHEMA_BYTES:
        raise InvalidInput(f"表单 {name} 超过 {MAX_SCHEMA_BYTES // 1024} KB")
    checked, _ = checked_schema(schema, name)  # DeploymentError says what is wrong
    return checked


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InvalidInput(
            f"表单名 {name[:60]!r} 不可用：以小写字母开头，只含小写字母、数字和下划线，至多 60 个字符"
        )


def _draft(session: Session, name: str, author: str) -> FormDraft | None:
    return session.scalar(
        select(FormDraft).where(FormDraft.name == name, FormDraft.author == author)
    )
