"""Downloading attachments (DESIGN.md "Storage"): scoped like cases and every reading logged
(engine/record/attachments.py); the upload routes' larger request limit lives here too."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, g, request

from engine.config import Settings, attachment_store
from engine.models import Attachment
from engine.record.attachments import AttachmentStore, case_attachments, read_attachment, upload

from .auth import signed_in
from .extensions import current_jtflow, request_session

attachments = Blueprint("attachments", __name__)

# The views that take files: their requests may carry this many files at the size limit.
UPLOAD_ENDPOINTS = {"market.new": 6, "api.upload_attachment": 1, "task.complete": 2}
FORM_ALLOWANCE = 256 * 1024  # the other fields of a multipart form


def init_attachments(app: Flask, settings: Settings) -> None:
    """Bind the store to the app and raise the 1 MB request limit for upload views only.

    Registered before CSRF protection, which reads the form (and so the body) first."""
    app.extensions["attachments"] = attachment_store(settings)
    app.before_request(_allow_uploads)
    app.jinja_env.globals["case_files"] = case_files


def upload_chosen(choices: list[tuple[str, str, str]]) -> dict[str, int]:
    """Each file chosen in the posted form uploaded as the signed-in user's (checked by
    content, size limited), by (input name, kind of file, field a refusal names):
    input name → attachment id. The engine binds it to a case with the step that names it."""
    found: dict[str, int] = {}
    with request_session() as db:
        for name, kind, field in choices:
            file = request.files.get(name)
            if file is None or not file.filename:
                continue
            row = upload(
                db,
                current_store(),
                name=file.filename,
                content=file.read(),
                kind=kind,
                by=g.user.username,
                now=current_jtflow().clock.now(),
                field=field,
            )
            found[name] = row.id
        db.commit()
    return found


def case_files(case_id: int) -> list[Attachment]:
    """The files a case holds (its documents, a step's upload), for a page already showing
    the case to its reader; each link is checked and logged again when followed."""
    with request_session() as db:
        return case_attachments(db, case_id)


def current_store() -> AttachmentStore:
    store: AttachmentStore = current_app.extensions["attachments"]
    return store


def _allow_uploads() -> None:
    files = UPLOAD_ENDPOINTS.get(request.endpoint or "")
    if files:
        request.max_content_length = files * current_store().max_bytes + FORM_ALLOWANCE


@attachments.get("/attachments/<int:attachment_id>")
@signed_in
def download(attachment_id: int) -> Any:
    return file_response(attachment_id)


def file_response(attachment_id: int) -> Response:
    """The file as stored, under its uploaded name, never shown inline (its type was sniffed,
    but a download cannot run as a page of this site)."""
    with request_session() as db:
        attachment, content = read_attachment(
            db, current_store(), g.user, attachment_id, current_jtflow().clock.now()
        )
    response = Response(content, mimetype=attachment.media_type)
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
