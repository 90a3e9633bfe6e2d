"""POST /api/attachments (a multipart upload) and GET /api/attachments/{id}: a file is
uploaded first, then named by its id when an application or a step is submitted."""

from __future__ import annotations

from typing import Any

from flask import g, request

from engine.people.access_rule import check_may_change
from engine.record.attachments import describe, upload

from ..attachments import current_store, file_response
from ..extensions import current_jtflow, request_session
from .blueprint import MAX_ID, api
from .problems import ApiError


@api.post("/attachments")
def upload_attachment() -> Any:
    check_may_change(g.user)
    if not request.mimetype.startswith("multipart/form-data"):
        raise ApiError(
            415, "unsupported_media_type", "请以 multipart/form-data 上传：字段 file 和 kind"
        )
    file = request.files.get("file")
    if file is None or not file.filename:
        raise ApiError(
            400,
            "bad_request",
            "缺少文件：请在字段 file 中上传",
            fields=[{"field": "file", "message": "缺少文件"}],
        )
    with request_session() as db:
        attachment = upload(
            db,
            current_store(),
            name=file.filename,
            content=file.read(),
            kind=request.form.get("kind", ""),
            by=g.user.username,
            now=current_jtflow().clock.now(),
        )
        db.commit()
        return describe(attachment), 201


@api.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int) -> Any:
    if attachment_id > MAX_ID:
        raise ApiError(404, "not_found", f"附件 {attachment_id} 不存在")
    return file_response(attachment_id)
