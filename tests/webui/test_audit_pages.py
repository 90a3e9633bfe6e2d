"""The auditor's pages (S1, S2): case search with its filters, paging and exports (each
case exported is logged), the case stepped through at step k, and the dossier. Auditors
only, except the step view and the dossier, which follow the case's reading rule."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import AccessLog, Instance
from tests.engine.test_replay import alter_entered
from tests.factories import report, step
from tests.webui.pages import signed_in_as, text


@pytest.fixture
def cases(jtflow, clock):  # type: ignore[no-untyped-def]
    """Three cases: a bus station one transferred to 公交集团 (red after two days), an urgent
    highway one a day later, and a 12328 complaint."""
    bus = report(jtflow)
    step(jtflow, bus, "classify")
    clock.advance(days=1)
    road = report(
        jtflow,
        urgency="urgent",
        title="高速公路隧道照明故障",
        location="厦门市集美区某隧道",
        description="隧道内照明灯大面积熄灭，存在安全隐患。",
        facility={"type": "tunnel", "name": "某隧道"},
        discovered_at=clock.now().isoformat(),
    )
    hot = report(jtflow, channel="hotline_12328", title="出租车拒载投诉", location="厦门北站")
    clock.advance(days=5)
    jtflow.fire_due_timers()
    return {"bus": bus, "road": road, "hot": hot}


def exports(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(
            session.execute(
                select(AccessLog.username, AccessLog.target_id).where(AccessLog.action == "export")
            )
        )


def found(client, **query):  # type: ignore[no-untyped-def]
    page = text(client.get("/audit/cases", query_string=query))
    return page


@pytest.mark.parametrize(
    ("query", "hits", "misses"),
    [
        ({}, ("bus", "road", "hot"), ()),
        ({"channel": "hotline_12328"}, ("hot",), ("bus", "road")),
        ({"urgency": "urgent"}, ("road",), ("bus", "hot")),
        ({"unit": "BUS_GROUP"}, ("bus",), ("road", "hot")),
        ({"q": "隧道"}, ("road",), ("bus", "hot")),
        ({"q": "大面积熄灭"}, ("road",), ("bus", "hot")),  # the description
        ({"q": "厦门北站"}, ("hot",), ("bus", "road")),  # the location
    ],
)
def test_the_search_filters(client, cases, query, hits, misses):  # type: ignore[no-untyped-def]
    signed_in_as(client, "auditor")
    page = found(client, **query)
    for name in hits:
        assert f'id="case-{cases[name].case_no}"' in page, (query, name)
    for name in misses:
        assert f'id="case-{cases[name].case_no}"' not in page, (query, name)


def test_search_by_current_light(client, jtflow, cases):  # type: ignore[no-untyped-def]
    fresh = report(jtflow, title="刚报送的事件")  # after the others ran late: green
    signed_in_as(client, "auditor")
    red, green = found(client, light="red"), found(client, light="green")
    assert f'id="case-{cases["bus"].case_no}"' in red and f'id="case-{fresh.case_no}"' not in red
    assert (
        f'id="case-{fresh.case_no}"' in green and f'id="case-{cases["bus"].case_no}"' not in green
    )


def test_search_by_case_number_and_dates(client, jtflow, cases):  # type: ignore[no-untyped-def]
    signed_in_as(client, "auditor")
    page = found(client, case_no=cases["road"].case_no)
    assert f'id="case-{cases["road"].case_no}"' in page and "共 1 件" in page
    with jtflow.sessions() as session:
        first = session.get(Instance, cases["bus"].case_id).created_at
    day = first.date().isoformat()  # the fake clock starts in the Xiamen morning
    page = found(client, **{"from": day, "to": day})
    assert f'id="case-{cases["bus"].case_no}"' in page
    assert f'id="case-{cases["road"].case_no}"' not in page
    bad = client.get("/audit/cases?from=yesterday")
    assert bad.status_code == 422 and 'id="search-error"' in text(bad)


def test_the_search_pages_in_sql(client, cases):  # type: ignore[no-untyped-def]
    signed_in_as(client, "auditor")
    first = found(client, per_page=2)
    assert "第 1 / 2 页" in first and 'id="page-next"' in first
    assert first.count('class="steps-link"') == 2
    second = found(client, per_page=2, page=2)
    assert second.count('class="steps-link"') == 1 and 'id="page-prev"' in second


def test_csv_export_is_utf8_with_bom_and_logged_per_case(client, jtflow, cases):  # type: ignore[no-untyped-def]
    signed_in_as(client, "auditor")
    response = client.get("/audit/cases.csv?urgency=normal")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "案件编号"
    assert {r[0] for r in rows[1:]} == {cases["bus"].case_no, cases["hot"].case_no}
    assert sorted(exports(jtflow)) == sorted(
        [("auditor", cases["bus"].case_no), ("auditor", cases["hot"].case_no)]
    )


def test_xlsx_export_opens_in_openpyxl(client, jtflow, cases):  # type: ignore[no-untyped-def]
    signed_in_as(client, "auditor")
    response = client.get("/audit/cases.xlsx?q=隧道")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["案件编号", "标题"]
    assert values[1][0] == cases["road"].case_no and values[1][1] == "高速公路隧道照明故障"
    assert values[1][3] == "紧急" and len(values) == 2
    # issue 16: a real time in Xiamen's time, units by name, columns wide enough to read
    assert values[1][6] == datetime(2026, 9, 29, 9, 0) and sheet["G2"].is_date
    assert "市交通运行监测指挥中心" in values[1][8] and "CENTER" not in values[1][8]
    assert sheet.column_dimensions["B"].width >= 30
    assert exports(jtflow) == [("auditor", cases["road"].case_no)]


@pytest.mark.parametrize(
    "path",
    ["/audit/cases", "/audit/cases.csv", "/audit/cases.xlsx"],
)
@pytest.mark.parametrize("username", ["bus_handler", "c_monitor", "admin"])
def test_search_and_exports_are_for_auditors_only(client, jtflow, cases, path, username):  # type: ignore[no-untyped-def]
    signed_in_as(client, username)
    response = client.get(path)
    assert response.status_code == 403 and "审计员" in text(response)
    with jtflow.sessions() as session:
        denied = session.scalars(
            select(AccessLog.target_id).where(
                AccessLog.action == "denied", AccessLog.username == username
            )
        ).all()
    assert path in denied and exports(jtflow) == []


def test_the_step_view_at_several_steps(client, jtflow, cases):  # type: ignore[no-untyped-def]
    case_no = cases["bus"].case_no
    history = jtflow.history(cases["bus"].case_id)
    signed_in_as(client, "auditor")
    first = text(client.get(f"/audit/cases/{case_no}/steps/1"))
    assert 'data-kind="case_reported"' in first and 'id="step-prev"' not in first
    assert 'id="step-next"' in first and "火车站公交场站" in first
    assert 'data-element="classify"' in first  # the center's first step is open
    done = next(e.seq for e in history if e.kind == "task_completed")
    at_done = client.get(f"/audit/cases/{case_no}/steps/{done}")
    page = text(at_done)
    assert at_done.status_code == 200 and 'data-kind="task_completed"' in page
    assert 'data-element="sign_for"' in page and 'data-element="classify"' not in page
    progress = json.loads(page.split('id="case-diagram-progress">')[1].split("</script>")[0])
    assert "classify" in progress["done"] and "sign_for" in progress["open"]
    last = text(client.get(f"/audit/cases/{case_no}/steps/{len(history)}"))
    assert 'id="step-next"' not in last and 'class="light red"' in last
    assert 'id="divergence"' not in last
    assert client.get(f"/audit/cases/{case_no}/steps/{len(history) + 1}").status_code == 404


def test_the_step_view_follows_the_cases_reading_rule(client, cases):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_handler")
    assert client.get(f"/audit/cases/{cases['bus'].case_no}/steps/1").status_code == 200
    assert client.get(f"/audit/cases/{cases['road'].case_no}/steps/1").status_code == 403


def test_the_dossier_page_and_json_carry_the_chain_and_are_logged(client, jtflow, cases):  # type: ignore[no-untyped-def]
    case = cases["bus"]
    with jtflow.sessions() as session:
        head = session.get(Instance, case.case_id).history_hash
    signed_in_as(client, "auditor")
    page = text(client.get(f"/audit/cases/{case.case_no}/dossier"))
    assert "dossier.css" in page and head in page and 'id="chain-state"' in page
    response = client.get(f"/audit/cases/{case.case_no}/dossier.json")
    body = response.get_json()
    assert body["case_no"] == case.case_no and body["history_hash"] == head
    assert body["history"][-1]["hash"] == head and body["chain"]["intact"] is True
    assert body["history"][0]["prev_hash"] == "0" * 64
    assert exports(jtflow) == [("auditor", case.case_no)] * 2


def test_a_tampered_history_shows_the_divergence_and_a_broken_chain(client, jtflow, db_url):  # type: ignore[no-untyped-def]
    """A completion's data edited after the fact: the step after it says plainly that the
    replay differs, and the dossier that the chain is broken at that event."""
    case = report(jtflow)
    step(jtflow, case, "classify", {"decision": "transfer"})
    step(jtflow, case, "sign_for")
    completed = next(
        e
        for e in jtflow.history(case.case_id)
        if e.kind == "task_completed" and e.element_id == "classify"
    )
    alter_entered(
        db_url,
        completed.id,
        decision="return",
        return_reason="不属于职责",
        return_basis="职责分工",
    )
    signed_in_as(client, "auditor")
    before = text(client.get(f"/audit/cases/{case.case_no}/steps/{completed.seq - 1}"))
    assert 'id="divergence"' not in before
    after = client.get(f"/audit/cases/{case.case_no}/steps/{completed.seq + 1}")
    assert after.status_code == 200
    page = text(after)
    assert 'id="divergence"' in page and f"第 {completed.seq + 1} 条事件" in page
    body = client.get(f"/audit/cases/{case.case_no}/dossier.json").get_json()
    assert body["chain"]["intact"] is False
    assert body["chain"]["first_break"]["seq"] == completed.seq


def test_a_case_the_replay_cannot_run_still_shows_its_events(client, jtflow, db_url):  # type: ignore[no-untyped-def]
    case = report(jtflow)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        connection.execute(
            "UPDATE history_event SET kind = 'step_failed' WHERE instance_id = ? AND seq = 2",
            (case.case_id,),
        )
    signed_in_as(client, "auditor")
    response = client.get(f"/audit/cases/{case.case_no}/steps/1")
    assert response.status_code == 200
    page = text(response)
    assert 'id="replay-refused"' in page and "暂不能重放" in page
    assert 'data-kind="case_reported"' in page and 'id="state-tasks"' not in page


def test_the_pages_in_english(client, cases):  # type: ignore[no-untyped-def]
    signed_in_as(client, "auditor")
    search = text(client.get("/audit/cases?lang=en"))
    assert "Case search" in search and "Export CSV" in search and "案件查询" not in search
    steps = text(client.get(f"/audit/cases/{cases['bus'].case_no}/steps/2"))
    assert "Step 2 of" in steps and "Previous step" in steps
    dossier = text(client.get(f"/audit/cases/{cases['bus'].case_no}/dossier"))
    assert "Hash chain intact" in dossier


def test_exported_titles_never_run_as_formulas(client, jtflow):  # type: ignore[no-untyped-def]
    report(jtflow, title='=HYPERLINK("http://example.com","点我")')
    signed_in_as(client, "auditor")
    rows = list(csv.reader(io.StringIO(client.get("/audit/cases.csv").get_data(as_text=True))))
    assert rows[1][1].startswith("'=")
    sheet = load_workbook(io.BytesIO(client.get("/audit/cases.xlsx").get_data())).active
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")


def test_a_migrated_case_is_stepped_through_on_the_version_of_each_step(client, jtflow, tmp_path):  # type: ignore[no-untyped-def]
    """DESIGN.md "Definitions", S2: before its migration the step view draws the version the
    case ran on then; from the `migrated` event on, the new one. The diagram endpoint gives
    only versions the case ran on."""
    from engine.case_migration import migrate_case
    from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS, waiting_at_sign_for
    from tests.factories import deploy_variant

    case = waiting_at_sign_for(jtflow)
    deploy_variant(jtflow, tmp_path / "v2", *SIGN_FOR_IN_TWO_WORKING_DAYS)
    migrate_case(jtflow, case.case_id, actor="owner")
    migrated = len(jtflow.history(case.case_id))
    signed_in_as(client, "auditor")
    url = f"/cases/{case.case_no}/diagram.bpmn"
    before = text(client.get(f"/audit/cases/{case.case_no}/steps/{migrated - 1}"))
    after = text(client.get(f"/audit/cases/{case.case_no}/steps/{migrated}"))
    assert f'data-xml-url="{url}?version=1"' in before
    assert f'data-xml-url="{url}?version=2"' in after and "迁移到新版本" in after
    assert 'id="divergence"' not in after and 'id="replay-refused"' not in after
    assert "签收确认" not in text(client.get(f"{url}?version=1"))
    assert "签收确认" in text(client.get(f"{url}?version=2"))
    assert "签收确认" in text(client.get(url))  # the version it runs on now
    missing = client.get(f"{url}?version=3")
    assert missing.status_code == 404 and "未在流程第 3 版上运行过" in text(missing)


def test_timers_in_the_timeline_by_name_with_their_step(client, cases):  # type: ignore[no-untyped-def]
    """E12: a fired timer reads 签收 · 黄灯 (Sign for · yellow), not its element id."""
    signed_in_as(client, "auditor")
    page = text(client.get(f"/cases/{cases['bus'].case_no}"))
    assert "时限到达：签收 · 黄灯" in page and "时限到达：签收 · 1个工作日" in page
    history = page.split('id="history"')[1].split("</section>")[0]
    assert "timer_sign_for" not in history and "warn_sign_for" not in history
    english = text(client.get(f"/cases/{cases['bus'].case_no}?lang=en"))
    assert "Sign for · yellow" in english and "Sign for · 1 working day" in english
