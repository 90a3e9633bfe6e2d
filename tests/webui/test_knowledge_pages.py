"""The knowledge base pages (O2, S1): a unit registers a change of policy, the seats search,
edit an entry into a new version with the old one readable, a handler links an entry on an
event case and each page shows the other; an auditor reads and changes nothing, an external
applicant sees nothing; the pages read in English."""

from __future__ import annotations

from tests.factories import report, step
from tests.knowledge import SUBMISSION, deployed
from tests.webui.pages import post, signed_in_as, text

ENTRY = {k: v for k, v in SUBMISSION.items() if k != "entry_id"}


def new_entry(client) -> int:  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_12328")
    made = post(client, "/knowledge/new", {**ENTRY, "unit_code": "TRANSPORT_DEV", "note": "建库"})
    assert made.status_code == 302, text(made)
    return int(made.location.rstrip("/").rsplit("/", 1)[1])


def test_a_unit_registers_a_change_and_its_submission_is_due(client, jtflow):
    deployed(jtflow)
    signed_in_as(client, "transport_handler")
    assert "登记职能或政策调整" in text(client.get("/start"))
    form = {
        "policy_title": "网约车管理实施细则修订",
        "changed_at": "2026-09-28T08:00",
        "policy_note": "驾驶员证申领条件调整。",
    }
    made = post(client, "/knowledge/changes/new", form)
    assert made.status_code == 302 and "/cases/ZS" in made.location, text(made)
    case_no = made.location.rsplit("/", 1)[1]
    case_page = text(client.get(f"/cases/{case_no}"))
    assert 'id="knowledge-policy"' in case_page and "市运输事业发展中心" in case_page
    assert "报送新知识" in case_page
    listing = text(client.get("/knowledge"))
    assert case_no in listing and "网约车管理实施细则修订" in listing
    refused = post(client, "/knowledge/changes/new", {**form, "changed_at": ""})
    assert refused.status_code == 422


def test_the_seats_edit_an_entry_into_a_new_version_and_the_old_one_stays(client, jtflow):
    entry_id = new_entry(client)
    again = post(client, f"/knowledge/{entry_id}", {**ENTRY, "answer": "新口径。", "note": "更正"})
    assert again.status_code == 302
    page = text(client.get(f"/knowledge/{entry_id}"))
    assert "新口径。" in page and 'id="version-1"' in page and 'id="version-2"' in page
    old = text(client.get(f"/knowledge/{entry_id}/versions/1"))
    assert ENTRY["answer"] in old and 'id="current-version"' in old
    found = text(client.get("/knowledge", query_string={"q": "网约车 驾驶员证"}))
    assert f'id="entry-{entry_id}"' in found
    assert 'id="no-entries"' in text(client.get("/knowledge", query_string={"q": "地铁"}))
    blank = post(client, f"/knowledge/{entry_id}", {**ENTRY, "answer": " "})
    assert blank.status_code == 422 and "答复口径" in text(blank)
    signed_in_as(client, "transport_handler")
    assert post(client, f"/knowledge/{entry_id}", ENTRY).status_code == 403
    assert client.get(f"/knowledge/{entry_id}/versions/9").status_code == 404


def test_a_handler_links_an_entry_on_an_event_case_and_each_shows_the_other(client, jtflow):
    entry_id = new_entry(client)
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    signed_in_as(client, "transport_handler")
    case_page = text(client.get(f"/cases/{case.case_no}"))
    assert 'id="no-linked-entries"' in case_page and 'id="link-knowledge"' in case_page
    linked = post(client, f"/knowledge/link/{case.case_no}", {"entry_id": str(entry_id)})
    assert linked.status_code == 302
    case_page = text(client.get(f"/cases/{case.case_no}"))
    assert f'id="linked-entry-{entry_id}"' in case_page and ENTRY["title"] in case_page
    assert f'id="entry-case-{case.case_no}"' in text(client.get(f"/knowledge/{entry_id}"))
    signed_in_as(client, "auditor")
    audited = text(client.get(f"/cases/{case.case_no}"))
    assert f'id="linked-entry-{entry_id}"' in audited and 'id="link-knowledge"' not in audited
    refused = post(client, f"/knowledge/link/{case.case_no}", {"entry_id": str(entry_id)})
    assert refused.status_code == 403
    signed_in_as(client, "highway_handler")  # not a case of its unit
    refused = post(client, f"/knowledge/link/{case.case_no}", {"entry_id": str(entry_id)})
    assert refused.status_code == 403


def test_an_external_applicant_sees_no_knowledge_base(client, jtflow):
    signed_in_as(client, "xmu_lab")
    assert client.get("/knowledge").status_code == 403


def test_the_knowledge_pages_read_in_english(client, jtflow):
    entry_id = new_entry(client)
    client.get("/?lang=en")
    page = text(client.get("/knowledge"))
    assert "Knowledge base" in page and "Search" in page
    entry = text(client.get(f"/knowledge/{entry_id}"))
    assert "Versions" in entry and "Save as a new version" in entry
