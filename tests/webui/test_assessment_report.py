"""The yearly assessment report (issue 15 item 5): the printable page and its XLSX on the
hand-built cases of tests/assessment_cases.py, whose figures are known; who may read it;
a year that is not one."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import AccessLog
from tests.assessment_cases import AS_OF, Played, play
from tests.webui.pages import signed_in_as, text

BUS, TRANSPORT = "厦门公交集团有限公司", "市运输事业发展中心"
SHEETS = [
    "概况",
    "各单位事件处置",
    "各步骤电子监察",
    "得分构成",
    "得分权重",
    "逐月收件与按时率",
    "各单位数据资源管理",
    "责任追究名单",
]


@pytest.fixture
def played(jtflow, clock) -> Played:  # type: ignore[no-untyped-def]
    cases = play(jtflow, clock)
    clock.set(AS_OF)
    return cases


def row_of(page: str, row_id: str) -> list[str]:
    """The cells of a table row, as text."""
    found = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert found, f"no row {row_id}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def shown_text(page: str) -> str:
    """What a reader sees of the page's main part: no tags, no attributes."""
    main = page[page.index("<main>") :]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def workbook(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, text(response)
    return load_workbook(io.BytesIO(response.get_data()))


def rows_of(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_printable_page_has_every_table_of_the_year(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment/report?year=2026"))
    assert "2026 年度考核评价报告" in page and "生成于 2026-10-20 12:00" in page
    for part in ("events", "months", "data", "accountability"):
        assert f'id="part-{part}"' in page
    # A1 of the bus group: 2 received, sign-for 1 on time 1 late, four replies on time,
    # one red, two returns in one case, closed in 2.03 WD on average (4.0 at p90), score 76
    # (its leader's approvals are watched steps too, all green: E9, E12)
    assert row_of(page, "events-BUS_GROUP") == [
        BUS, "2", "1", "1", "50.0%", "4", "0", "100.0%", "0", "1", "2", "1", "1",
        "2", "0", "2.03", "4.00", "2", "1", "0", "76.0",
    ]  # fmt: skip
    assert row_of(page, "events-TRANSPORT_DEV")[0] == TRANSPORT
    assert row_of(page, "events-TRANSPORT_DEV")[-3:] == ["3", "2", "50.0"]
    assert row_of(page, "lights-TRANSPORT_DEV-phone_report") == [
        TRANSPORT,
        "电话报告",
        "0",
        "0",
        "1",
    ]
    assert row_of(page, "score-BUS_GROUP")[4] == "90.0%"  # no red: 9 of 10 watched steps
    # the weights in force, and that the bureau sets them
    assert row_of(page, "weight-feedback_on_time") == ["按时反馈率", "25", "默认值", "—"]
    assert "由局设定" in page and "jtflow assessment weight" in page
    # month by month: all four cases reached their units in September; red: also the urgent
    # case's 催办 and 督办, the late case's center audit and an archive (E12)
    assert row_of(page, "month-9") == [
        "2026-09", "4", "3", "1", "75.0%", "4", "2", "66.7%", "1", "8"
    ]  # fmt: skip
    assert row_of(page, "month-10")[1:3] == ["0", "0"] and row_of(page, "month-total")[1] == "4"
    assert 'id="empty-data"' in page  # no data-resource records: said, not invented
    # the accountability list, each case a link to its step-through and with its evidence
    late = played.late_sign_for.case_no
    first = row_of(page, "accountable-0")
    assert first[:5] == ["因管理不善致分办事项接收不及时，延误办理时间（签收超时）", BUS, late,
                         "火车站公交场站候车亭顶棚漏水", "签收"]  # fmt: skip
    assert first[5:8] == ["2026-09-29 09:00", "2026-09-29 10:00", "0.04"]
    assert "2026-09-29 10:00 超期催办 签收" in first[9]
    assert f'href="http://localhost/audit/cases/{late}/steps"' in page
    twice = row_of(page, "accountable-2")
    assert twice[2] == played.returned_twice.case_no and twice[6] == "—" and twice[8] == "2"
    assert row_of(page, "accountable-3")[1] == f"{TRANSPORT}（牵头）"


def test_people_read_names_and_words_not_codes(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    shown = shown_text(text(client.get("/assessment/report?year=2026")))
    assert BUS in shown and "BUS_GROUP" not in shown and "TRANSPORT_DEV" not in shown
    assert not re.search(r"\b[ADEMOS][0-9]+\b", shown)  # no rule IDs (A1, E5 …)
    assert not re.search(r"\b2\.3\.[1-5]\b", shown.replace("第五节 2.3", ""))
    assert "sign_for" not in shown and "handle_reply" not in shown


def test_printed_without_the_page_chrome_each_part_on_its_own_page(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment/report?year=2026"))
    assert "/static/assessment_report.css" in page and 'class="filters no-print"' in page
    with client.get("/static/assessment_report.css") as served:
        css = text(served)
    printed = css[css.index("@media print") :]
    assert "header.top" in printed and ".no-print" in printed
    assert re.search(r"\.report-part \{ break-before: page", printed)


def test_the_assessment_page_links_to_the_report_of_its_year(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment?period=2026-Q3&unit=BUS_GROUP"))
    assert 'id="to-report" href="/assessment/report?year=2026&amp;unit=BUS_GROUP"' in page


def test_the_xlsx_has_a_sheet_per_table_with_real_numbers_and_times(client, jtflow, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    response = client.get("/assessment/report.xlsx?year=2026")
    assert response.headers["Content-Disposition"] == 'attachment; filename="assessment-2026.xlsx"'
    book = workbook(response)
    assert book.sheetnames == SHEETS
    cover = rows_of(book["概况"])
    assert cover[1:] == [
        ["报告", "2026 年度考核评价报告"],
        ["年份", 2026],
        ["范围", "全部单位"],
        ["生成时间", datetime(2026, 10, 20, 12, 0)],
    ]
    events = book["各单位事件处置"]
    assert events.freeze_panes == "A2" and all(c.font.b for c in events[1])
    rows = {r[0]: r for r in rows_of(events)[1:]}
    assert set(rows) >= {BUS, TRANSPORT, "市公路事业发展中心"}
    bus = rows[BUS]
    assert bus[1:4] == [2, 1, 1] and bus[4] == 0.5 and bus[15:17] == [2.03, 4]
    assert bus[20] == 76 and rows[TRANSPORT][19] == 2
    bus_row = next(r for r in events.iter_rows(min_row=2) if r[0].value == BUS)
    assert bus_row[4].number_format == "0.0%" and bus_row[15].number_format == "0.00"
    assert events.column_dimensions["A"].width >= 24  # the longest name fits
    assert not any("BUS_GROUP" in str(v) for row in rows_of(events) for v in row)

    months = book["逐月收件与按时率"]
    september = months["A10"]
    assert september.value == datetime(2026, 9, 1) and september.is_date
    assert [c.value for c in months[10]][1:] == [4, 3, 1, 0.75, 4, 2, 4 / 6, 1, 8]
    assert months["A14"].value == "全年" and months["B14"].value == 4

    weights = {r[0]: r for r in rows_of(book["得分权重"])[1:]}
    assert weights["按时反馈率"][1:] == [25, "默认值", None]

    listed = rows_of(book["责任追究名单"])
    late = listed[1]
    assert late[1] == BUS and late[2] == played.late_sign_for.case_no
    assert late[5:8] == [datetime(2026, 9, 29, 9, 0), datetime(2026, 9, 29, 10, 0), 0.04]
    assert book["责任追究名单"]["F2"].is_date
    assert book["责任追究名单"]["C2"].hyperlink.target.endswith(
        f"/audit/cases/{played.late_sign_for.case_no}/steps"
    )
    assert listed[3][8] == 2 and listed[3][6] is None  # returned twice: a case, no step
    assert "超期催办" in late[9] and "\n" in late[9]
    with jtflow.sessions() as db:
        exported = list(
            db.execute(
                select(AccessLog.username, AccessLog.target_id, AccessLog.detail).where(
                    AccessLog.action == "export"
                )
            )
        )
    assert exported == [
        ("c_analyst", "/assessment/report.xlsx", "考核评价年度报告 XLSX：2026 年，全部单位")
    ]


def test_the_xlsx_in_english(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    book = workbook(client.get("/assessment/report.xlsx?year=2026&lang=en"))
    assert book.sheetnames[1] == "Incident handling by unit"
    header = [c.value for c in book.worksheets[1][1]]
    assert header[:2] == ["Unit", "Received"]
    assert not any(re.search(r"[\u4e00-\u9fff]", str(h)) for h in header), header


def test_in_english(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment/report?year=2026&lang=en"))
    assert "Assessment report 2026" in page and "Generated 2026-10-20 12:00" in page
    headers = re.findall(r"<th>([^<]*)</th>", page)
    assert headers and all(not re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers
    notes = re.findall(r'<p class="note"[^>]*>([^<]*)</p>', page)
    assert notes and all(not re.search(r"[\u4e00-\u9fff]", n) for n in notes), notes
    lead = row_of(page, "accountable-3")
    assert lead[1] == "Municipal Transport Development Center (lead)"
    assert "Escalated (overdue)" in lead[9]


def test_a_unit_leader_reads_their_own_unit_only(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_leader")
    page = text(client.get("/assessment/report?year=2026"))
    assert 'id="events-BUS_GROUP"' in page and 'id="events-TRANSPORT_DEV"' not in page
    assert TRANSPORT not in shown_text(page)
    assert 'id="month-total"' in page and row_of(page, "month-total")[1] == "2"
    book = workbook(client.get("/assessment/report.xlsx?year=2026"))
    assert [r[0] for r in rows_of(book["各单位事件处置"])[1:]] == [BUS]
    assert {r[1] for r in rows_of(book["责任追究名单"])[1:]} == {BUS}
    assert client.get("/assessment/report?year=2026&unit=TRANSPORT_DEV").status_code == 403
    assert client.get("/assessment/report.xlsx?year=2026&unit=TRANSPORT_DEV").status_code == 403


@pytest.mark.parametrize("username", ["office", "deputy"])
def test_the_office_and_leaders_read_every_unit(client, played, username):  # type: ignore[no-untyped-def]
    signed_in_as(client, username)
    page = text(client.get("/assessment/report?year=2026"))
    assert 'id="events-BUS_GROUP"' in page and 'id="events-TRANSPORT_DEV"' in page


def test_a_handler_is_refused_and_logged(client, jtflow):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_handler")
    refused = client.get("/assessment/report?year=2026")
    assert refused.status_code == 403 and "无权访问" in text(refused)
    assert client.get("/assessment/report.xlsx?year=2026").status_code == 403
    assert client.get("/assessment/report.xlsx?year=nonsense").status_code == 403  # access first
    with jtflow.sessions() as db:
        denied = list(
            db.execute(
                select(AccessLog.username, AccessLog.target_id).where(AccessLog.action == "denied")
            )
        )
    assert denied == [
        ("bus_handler", "/assessment/report"),
        ("bus_handler", "/assessment/report.xlsx"),
        ("bus_handler", "/assessment/report.xlsx"),
    ]


@pytest.mark.parametrize("year", ["26", "2026-Q3", "二〇二六", "2027", "1066", "%3Cb%3E"])
@pytest.mark.parametrize("path", ["/assessment/report", "/assessment/report.xlsx"])
def test_a_year_that_is_not_one_is_a_400_saying_what_to_type(client, clock, path, year):  # type: ignore[no-untyped-def]
    clock.set(AS_OF)
    signed_in_as(client, "c_analyst")
    response = client.get(f"{path}?year={year}")
    assert response.status_code == 400
    page = text(response)
    assert "请写四位数字的年份" in page and "/assessment/report?year=2026" in page
    assert "<b>" not in page


def test_the_year_said_wrong_in_english(client, clock):  # type: ignore[no-untyped-def]
    clock.set(AS_OF)
    signed_in_as(client, "c_analyst")
    response = client.get("/assessment/report?year=next&lang=en")
    assert response.status_code == 400 and "four-digit year" in text(response)


def test_without_a_year_the_current_one(client, clock):  # type: ignore[no-untyped-def]
    clock.set(AS_OF)
    signed_in_as(client, "c_analyst")
    response = client.get("/assessment/report")
    assert response.status_code == 200 and "2026 年度考核评价报告" in text(response)


def test_a_clause_listed_up_to_its_limit_says_so(client, played, monkeypatch):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    note = 'id="note-accountability"'
    page = text(client.get("/assessment/report?year=2026"))
    assert "最多列出" not in re.search(rf"<p class=\"note\" {note}>[^<]*", page).group(0)
    monkeypatch.setattr("engine.assessment.accountability.MAX_CASES", 1)
    page = text(client.get("/assessment/report?year=2026"))
    said = re.search(rf"<p class=\"note\" {note}>([^<]*)", page).group(1)
    assert "每种情形最多列出 1 件" in said and "签收超时" in said


def test_a_unit_that_does_not_exist_is_a_400(client, clock):  # type: ignore[no-untyped-def]
    clock.set(AS_OF)
    signed_in_as(client, "c_analyst")
    response = client.get("/assessment/report?year=2026&unit=NO_SUCH")
    assert response.status_code == 400 and "单位列表" in text(response)
