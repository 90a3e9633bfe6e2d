"""The process owner's pages (流程负责人; DESIGN.md "Definitions"): deployed versions with
their running and ended cases, a version's diagram, and migrating one version's running
cases — a preview that changes nothing, then a confirmed migration. Others get the logged 403."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AccessLog, Instance
from tests.engine.test_case_migration import (
    SIGN_FOR_IN_TWO_WORKING_DAYS,
    returned_at_once,
    waiting_at_sign_for,
)
from tests.factories import deploy_variant, kinds
from tests.webui.pages import post, signed_in_as, text


@pytest.fixture
def two_versions(jtflow, tmp_path):  # type: ignore[no-untyped-def]
    """Two cases waiting at 签收 and one ended on version 1; version 2 deployed."""
    running = [waiting_at_sign_for(jtflow) for _ in range(2)]
    returned_at_once(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    return running


def versions_of(jtflow, cases):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        ids = [c.case_id for c in cases]
        return set(session.scalars(select(Instance.definition_id).where(Instance.id.in_(ids))))


def test_the_versions_with_their_cases(client, two_versions):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    page = text(client.get("/processes"))
    assert 'id="nav-processes"' in page
    v1 = page.split('id="version-event_lifecycle-1"')[1].split("</tr>")[0]
    v2 = page.split('id="version-event_lifecycle-2"')[1].split("</tr>")[0]
    assert 'data-running="2"' in v1 and "<td>1</td>" in v1  # two running, one ended
    assert 'data-running="0"' in v2 and "最新" in v2
    assert "<td>交通运输事件监测处置</td>" in v1  # the process by its name, not its id


def test_a_version_page_draws_its_own_diagram(client, two_versions):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    page = text(client.get("/processes/event_lifecycle/1"))
    assert 'data-xml-url="/processes/event_lifecycle/1/diagram.bpmn"' in page
    assert 'id="migrate-preview"' in page and '<option value="2" selected>' in page
    v1 = client.get("/processes/event_lifecycle/1/diagram.bpmn")
    v2 = client.get("/processes/event_lifecycle/2/diagram.bpmn")
    assert v1.mimetype == "application/xml" and "签收确认" not in text(v1)
    assert "签收确认" in text(v2)
    assert client.get("/processes/event_lifecycle/9").status_code == 404


def test_preview_changes_nothing_and_confirming_migrates(client, jtflow, two_versions):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    before = [kinds(jtflow, c) for c in two_versions]
    preview = text(client.get("/processes/event_lifecycle/1/migration?to=2"))
    for case in two_versions:
        row = preview.split(f'id="preview-{case.case_no}"')[1].split("</tr>")[0]
        assert "sign_for" in row and "2026-09-29 09:00 → 2026-09-30 09:00" in row
    assert "共 2 个可迁移" in preview
    assert [kinds(jtflow, c) for c in two_versions] == before and versions_of(
        jtflow, two_versions
    ) == {1}

    chosen = [c.case_no for c in two_versions]
    done = post(client, "/processes/event_lifecycle/1/migration", {"to": "2", "case": chosen})
    assert done.status_code == 302
    assert versions_of(jtflow, two_versions) == {2}
    assert all(kinds(jtflow, c)[-1] == "migrated" for c in two_versions)
    page = text(client.get(done.location))
    assert "已迁移 2 个案件，未迁移 0 个" in page and 'id="version-running">0<' in page


def test_a_refused_case_is_named_and_the_others_migrate(client, jtflow, clock, tmp_path):  # type: ignore[no-untyped-def]
    """A case in an escalation (E12) cannot move to a version without that process."""
    from tests.factories import open_steps, report, step

    pressed = report(jtflow, urgency="urgent")
    step(jtflow, pressed, "classify", {"decision": "transfer", "lead_unit": "BUS_GROUP"})
    clock.advance(hours=30)
    jtflow.fire_due_timers()
    assert "press" in open_steps(jtflow, pressed)
    waiting = waiting_at_sign_for(jtflow)  # reported since: nothing overdue
    deploy_variant(
        jtflow,
        tmp_path / "v2",
        ('<bpmn:process id="escalation"', '<bpmn:process id="escalation_v2"'),
        ('calledElement="escalation"', 'calledElement="escalation_v2"'),
    )
    signed_in_as(client, "owner")
    preview = text(client.get("/processes/event_lifecycle/1/migration?to=2"))
    assert f'id="refused-{pressed.case_no}"' in preview and "escalation" in preview
    chosen = [pressed.case_no, waiting.case_no]
    done = post(client, "/processes/event_lifecycle/1/migration", {"to": "2", "case": chosen})
    page = text(client.get(done.location))
    assert "已迁移 1 个案件，未迁移 1 个" in page and f"案件 {pressed.case_no} 未迁移" in page
    assert versions_of(jtflow, [pressed]) == {1} and versions_of(jtflow, [waiting]) == {2}


@pytest.mark.parametrize("username", ["c_12328", "auditor", "transport_leader"])
def test_only_process_owners_see_the_pages(client, jtflow, two_versions, username):  # type: ignore[no-untyped-def]
    signed_in_as(client, username)
    assert 'id="nav-processes"' not in text(client.get("/"))
    for path in ("/processes", "/processes/event_lifecycle/1/migration?to=2"):
        assert client.get(path).status_code == 403
    chosen = {"to": "2", "case": [c.case_no for c in two_versions]}
    assert post(client, "/processes/event_lifecycle/1/migration", chosen).status_code == 403
    assert versions_of(jtflow, two_versions) == {1}
    with jtflow.sessions() as session:
        refusals = session.scalars(
            select(AccessLog).where(AccessLog.username == username, AccessLog.action == "denied")
        ).all()
    assert len(refusals) == 3


def test_the_pages_need_sign_in(client):  # type: ignore[no-untyped-def]
    response = client.get("/processes")
    assert response.status_code == 302 and "/login" in response.location


def test_the_pages_in_english(client, two_versions):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    client.get("/?lang=en")
    assert "Process versions" in text(client.get("/processes"))
    preview = text(client.get("/processes/event_lifecycle/1/migration?to=2"))
    heading = preview.split("<h1>")[1].split("</h1>")[0]
    assert heading == "Migration preview: Transport incident monitoring v1 → v2"
    assert "(2 can migrate)" in preview


def test_a_preview_with_nothing_to_migrate_says_so(client, jtflow, tmp_path):  # type: ignore[no-untyped-def]
    returned_at_once(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    signed_in_as(client, "owner")
    preview = client.get("/processes/event_lifecycle/1/migration")  # no ?to: the newest
    assert preview.status_code == 200 and "v1 → v2" in text(preview)
    assert 'id="migrate-confirm"' not in text(preview)
    same = client.get("/processes/event_lifecycle/2/migration")
    assert same.status_code == 422 and "目标版本就是当前版本" in text(same)


def test_only_the_ticked_cases_migrate(client, jtflow, two_versions):  # type: ignore[no-untyped-def]
    signed_in_as(client, "owner")
    first, second = two_versions[:2]
    chosen = {"to": "2", "case": [first.case_no, "JT20200101-999999"]}
    done = post(client, "/processes/event_lifecycle/1/migration", chosen)
    page = text(client.get(done.location))
    assert versions_of(jtflow, [first]) == {2} and versions_of(jtflow, [second]) == {1}
    assert "已迁移 1 个案件，未迁移 1 个" in page and "JT20200101-999999" in page  # named
    nothing = post(client, "/processes/event_lifecycle/1/migration", {"to": "2"})
    assert "未选择要迁移的案件" in text(client.get(nothing.location))
    assert versions_of(jtflow, [second]) == {1}


def test_with_one_version_the_migration_page_says_there_is_nothing_to_move(client, jtflow):  # type: ignore[no-untyped-def]
    from tests.factories import report

    report(jtflow)
    signed_in_as(client, "owner")
    for path in ("/processes/event_lifecycle/1", "/processes/event_lifecycle/1/migration"):
        response = client.get(path)
        assert response.status_code == 200 and 'id="only-version"' in text(response)
