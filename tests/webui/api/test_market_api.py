"""POST and GET /api/market/applications (M1): an application names the documents uploaded
through POST /api/attachments; an applicant lists only its own."""

from __future__ import annotations

import io

from tests.market import application, resource
from tests.webui.test_market_pages import DOCS


def test_the_api_applies_with_uploaded_ids_and_lists_only_ones_own(api_as, jtflow):  # type: ignore[no-untyped-def]
    rid = resource(jtflow, "unconditional")
    api = api_as("its_institute")
    ids = {}
    for field, (content, name) in DOCS.items():
        kind = field.removeprefix("doc_")
        answer = api.post(
            "/api/attachments",
            data={"kind": kind, "file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 201, answer.json
        ids[kind] = answer.json["attachment_id"]
    body = {**application(rid, organisation="某交通科学研究院"), "attachments": ids}
    created = api.post("/api/market/applications", body)
    assert created.status_code == 201, created.json
    assert [t["element_id"] for t in created.json["tasks"]] == ["check_application"]
    listed = api.get("/api/market/applications").json["applications"]
    assert [a["case_no"] for a in listed] == [created.json["case_no"]]
    other = api_as("mapco")
    assert other.get("/api/market/applications").json["applications"] == []
    assert other.get(f"/api/cases/{created.json['case_no']}").status_code == 403
    assert other.get(f"/api/attachments/{ids['credit_code']}").status_code == 403
