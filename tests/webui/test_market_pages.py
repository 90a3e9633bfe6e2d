"""The market application's pages (M1): an external applicant applies with its documents in
one form, sees its own applications and nobody else's (pages and API)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from engine.models import AccessLog, Task
from engine.service import CaseRef
from tests import files
from tests.factories import step
from tests.market import application, resource
from tests.webui.pages import post, signed_in_as, text

DOCS = {
    "doc_application_letter": (files.pdf("申请书"), "数据使用申请书.pdf"),
    "doc_confidentiality": (files.pdf("承诺书"), "数据保密承诺书.pdf"),
    "doc_credit_code": (files.PNG, "统一社会信用代码.png"),
    "doc_legal_rep_id": (files.JPEG, "法定代表人身份证.jpg"),
}


def form(resource_id: int, docs: dict[str, tuple[bytes, str]] = DOCS, **more: str) -> dict:  # type: ignore[type-arg]
    given = application(resource_id)
    fields = {k: v for k, v in given.items() if k != "data_items"}
    fields["data_items"] = "\n".join(given["data_items"])
    fields.update(more)
    return {**fields, **{name: (io.BytesIO(c), n) for name, (c, n) in docs.items()}}


def apply_page(client, resource_id, **kw):  # type: ignore[no-untyped-def]
    return post(client, "/market/new", form(resource_id, **kw), content_type="multipart/form-data")


@pytest.fixture
def rid(jtflow) -> int:  # type: ignore[no-untyped-def]
    return resource(jtflow, "unconditional")


def test_an_applicant_applies_with_four_documents_and_sees_them_on_the_case(client, rid):  # type: ignore[no-untyped-def]
    signed_in_as(client, "xmu_lab")
    page = client.get("/market/new")
    assert page.status_code == 200 and "公交车辆实时位置" in text(page)
    answer = apply_page(client, rid)
    assert answer.status_code == 302, text(answer)
    case = client.get(answer.headers["Location"])
    shown = text(case)
    assert "厦门大学交通研究中心" in shown and "公交集团" in shown and "BUS_GROUP" not in shown
    links = re.findall(r'href="(/attachments/\d+)">([^<]+)</a>', shown)
    assert [name for _, name in links] == [n for _, n in DOCS.values()]
    got = client.get(links[0][0])
    assert got.status_code == 200 and got.data == DOCS["doc_application_letter"][0]
    mine = text(client.get("/market"))
    assert "公交车辆实时位置" in mine


def test_a_missing_document_or_a_file_not_its_type_is_refused(client, rid):  # type: ignore[no-untyped-def]
    signed_in_as(client, "xmu_lab")
    without = {k: v for k, v in DOCS.items() if k != "doc_confidentiality"}
    answer = apply_page(client, rid, docs=without)
    assert answer.status_code == 422 and "数据保密承诺书" in text(answer)
    disguised = {**DOCS, "doc_application_letter": (files.PNG, "数据使用申请书.pdf")}
    answer = apply_page(client, rid, docs=disguised)
    assert answer.status_code == 422 and "扩展名与内容不符" in text(answer)


def test_another_applicant_sees_nothing_of_it(client, jtflow, rid):  # type: ignore[no-untyped-def]
    signed_in_as(client, "xmu_lab")
    case_url = apply_page(client, rid).headers["Location"]
    attachment = re.search(r'href="(/attachments/\d+)"', text(client.get(case_url))).group(1)
    case = jtflow.case(case_url.rsplit("/", 1)[-1])
    assert case.case_no is not None
    step(jtflow, CaseRef(case.id, case.case_no, []), "check_application")
    with jtflow.sessions() as session:
        own_task = session.scalar(select(Task).where(Task.element_id == "register_real_name"))
    client.get("/logout")
    signed_in_as(client, "mapco")
    assert client.get(case_url).status_code == 403
    assert client.get(attachment).status_code == 403
    assert client.get(f"/tasks/{own_task.id}").status_code == 403
    assert "公交车辆实时位置" not in text(client.get("/market"))
    assert f"/tasks/{own_task.id}" not in text(client.get("/"))
    with jtflow.sessions() as session:
        refused = session.scalars(
            select(AccessLog).where(AccessLog.username == "mapco", AccessLog.allowed.is_(False))
        ).all()
    assert any(e.target_kind == "attachment" for e in refused)


def test_only_external_applicants_get_the_form(client):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_handler")
    assert client.get("/market/new").status_code == 403


def test_the_usage_report_page_takes_a_results_file(client, jtflow, rid):  # type: ignore[no-untyped-def]
    """M5 on the task page: the file field uploads, the step binds it to the case."""
    signed_in_as(client, "xmu_lab")
    case_no = apply_page(client, rid).headers["Location"].rsplit("/", 1)[-1]
    ref = CaseRef(jtflow.case(case_no).id, case_no, [])
    for element_id in ("check_application", "register_real_name", "grant_access"):
        step(jtflow, ref, element_id)
    with jtflow.sessions() as session:
        task = session.scalar(select(Task).where(Task.element_id == "submit_usage_report"))
    page = text(client.get(f"/tasks/{task.id}"))
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    fields = {"report_kind": "research", "summary": "研究报告见附件。"}
    refused = post(
        client,
        f"/tasks/{task.id}",
        {**fields, "report_file": (io.BytesIO(files.PNG), "研究报告.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "扩展名与内容不符" in text(refused)
    done = post(
        client,
        f"/tasks/{task.id}",
        {**fields, "report_file": (io.BytesIO(files.pdf("报告")), "研究报告.pdf")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, text(done)
    shown = text(client.get(f"/cases/{case_no}"))
    assert "研究报告.pdf" in shown
