"""POST /api/attachments and GET /api/attachments/{id}: a multipart upload checked by its
content, a download by the uploader, a refusal (logged) for anyone else."""

from __future__ import annotations

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engine.models import AccessLog
from tests import files


def multipart(fields: dict[str, object]) -> dict[str, object]:
    """The body encoded in memory: the test client's own encoding spools a large body to a
    temporary file it never closes."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(api, name: str, content: bytes, kind: str = "photo"):  # type: ignore[no-untyped-def]
    fields = {"kind": kind, "file": FileStorage(io.BytesIO(content), name)}
    return api.post("/api/attachments", **multipart(fields))


def test_an_upload_is_described_and_read_back_by_its_uploader(api_as):  # type: ignore[no-untyped-def]
    api = api_as("bus_handler")
    answer = upload(api, "现场照片.png", files.PNG)
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["media_type"] == "image/png" and body["name"] == "现场照片.png"
    got = api.get(f"/api/attachments/{body['attachment_id']}")
    assert got.status_code == 200 and got.data == files.PNG
    assert got.headers["Content-Disposition"].startswith("attachment;")


def test_a_file_whose_content_is_not_its_type_is_refused(api_as):  # type: ignore[no-untyped-def]
    answer = upload(api_as("bus_handler"), "申请书.pdf", files.PNG)
    assert answer.status_code == 422
    assert "扩展名与内容不符" in answer.json["detail"]


def test_someone_else_gets_403_and_the_refusal_is_logged(api_as, jtflow):  # type: ignore[no-untyped-def]
    body = upload(api_as("bus_handler"), "a.pdf", files.PDF).json
    answer = api_as("highway_handler").get(f"/api/attachments/{body['attachment_id']}")
    assert answer.status_code == 403
    with jtflow.sessions() as session:
        refused = session.scalars(
            select(AccessLog).where(
                AccessLog.target_kind == "attachment", AccessLog.allowed.is_(False)
            )
        ).all()
    assert [e.username for e in refused] == ["highway_handler"]


def test_a_file_over_one_megabyte_passes_the_request_limit(api_as):  # type: ignore[no-untyped-def]
    answer = upload(api_as("bus_handler"), "big.pdf", files.PDF + b"0" * (2 * 1024 * 1024))
    assert answer.status_code == 201, answer.json
