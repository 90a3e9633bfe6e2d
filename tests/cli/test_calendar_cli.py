"""`jtflow calendar show` and `jtflow calendar load` on a real SQLite file (issue 3, part 4):
where each year comes from, loading a year, and bad files refused in one line (SPEC §2)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.models import CalendarYear, Timer
from engine.time.clock import SHANGHAI
from tests.cli.test_cli import failed, ok
from tests.factories import report, step, task_at

YEAR_2027 = {
    "year": 2027,
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": ["2027-01-01", "2027-02-08"],
    "workdays": ["2027-02-06"],
}


def write(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def provisional_case(jtflow, clock):  # type: ignore[no-untyped-def]
    """Transferred Thu 31 Dec 2026 10:00: 签收 due provisionally Fri 1 Jan 2027 10:00."""
    clock.set(datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI))
    case = report(jtflow)
    clock.set(datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI))  # the transfer at 10:00 sharp
    step(jtflow, case, "classify", {"decision": "transfer", "lead_unit": "TRANSPORT_DEV"})
    assert task_at(jtflow, case, "sign_for").provisional
    return case


def test_show_a_year_the_package_knows(cli):
    """SPEC §2: 2026 from chinesecalendar, month by month: National Day and its 调休 Saturday."""
    out = ok(cli("calendar", "show", "2026"))
    assert "2026 年工作日历" in out and "来源：chinesecalendar 软件包" in out
    october = next(line for line in out.splitlines() if line.startswith("10月"))
    assert "放假 1日(四) 2日(五) 5日(一) 6日(二) 7日(三)" in october and "国庆节" in october
    assert "调休上班 10日(六)" in october


def test_show_an_unknown_year_says_deadlines_are_provisional(cli):
    """SPEC §2: never a silent guess — 2027 is unknown, Monday–Friday assumed."""
    out = ok(cli("calendar", "show", "2027"))
    assert "未知" in out and "暂定" in out and "周一至周五" in out
    assert "jtflow calendar load 2027.json" in out
    assert "目前到期日在 2027 年及以后的暂定时限：0 个" in out


def test_show_an_unknown_year_counts_its_open_provisional_deadlines(cli, jtflow, clock):
    """SPEC §2: the administrator sees what is waiting for the year's schedule."""
    provisional_case(jtflow, clock)  # 签收: its yellow and red timers are both in 2027
    assert "暂定时限：2 个" in ok(cli("calendar", "show", "2027"))


def test_show_a_year_from_a_calendar_folder(cli, tmp_path):
    """SPEC §2: a YEAR.json in JTFLOW_CALENDAR_DIR is used and shown as such."""
    folder = tmp_path / "calendars"
    folder.mkdir()
    write(folder, "2028.json", {**YEAR_2027, "year": 2028, "holidays": ["2028-01-03"],
                                "workdays": [], "source": "2028 通知"})  # fmt: skip
    out = ok(cli("calendar", "show", "2028", "--list", env={"JTFLOW_CALENDAR_DIR": str(folder)}))
    assert "来源：日历文件" in out and "2028 通知" in out
    assert "2028-01-03\t周一\t放假" in out


def test_load_a_year_then_show_it_and_provisional_deadlines_are_recomputed(
    cli, tmp_path, jtflow, clock
):
    """SPEC §2: one command loads 2027; the open provisional 签收 deadline moves to Mon 4 Jan and
    loses its flag; `calendar show 2027` then names who loaded which notice."""
    case = provisional_case(jtflow, clock)
    out = ok(cli("calendar", "load", write(tmp_path, "2027.json", YEAR_2027), "--as", "admin"))
    assert "已载入 2027 年工作日历（放假 2 天，调休上班 1 天" in out
    assert "重新计算暂定时限 2 个，涉及案件 1 件" in out
    assert (
        f"{case.case_no}\tsign_for\ttimer_sign_for\t2027-01-01 10:00（暂定）→ 2027-01-04 10:00"
        in out
    )
    sign_for = task_at(jtflow, case, "sign_for")
    assert not sign_for.provisional
    assert sign_for.due_at == datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI)
    assert "deadline_recomputed" in ok(cli("history", case.case_no))

    shown = ok(cli("calendar", "show", "2027"))
    assert "来源：管理员载入（admin 于" in shown and YEAR_2027["source"] in shown
    lines = shown.splitlines()
    assert " 1月  放假 1日(五)" in lines
    assert " 2月  放假 8日(一)；调休上班 6日(六)" in lines


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "不是有效的 JSON"),
        ({**YEAR_2027, "holidays": "2027-01-01"}, "格式不对"),
        ({**YEAR_2027, "holidays": ["2027-01-02"]}, "是周末"),
        ({**YEAR_2027, "workdays": ["2028-02-06"]}, "不在 2027 年内"),
    ],
)
def test_a_bad_file_is_one_clear_line_and_changes_nothing(
    cli, tmp_path, jtflow, clock, content, says
):
    """SPEC §2: a bad schedule is refused whole — no year stored, deadlines still provisional."""
    case = provisional_case(jtflow, clock)
    history = len(jtflow.history(case.case_id))
    error = failed(cli("calendar", "load", write(tmp_path, "2027.json", content), "--as", "admin"))
    assert len(error.splitlines()) == 1 and says in error and "2027.json" in error
    with jtflow.sessions() as session:
        assert session.scalars(select(CalendarYear)).all() == []
        assert all(
            t.provisional for t in session.scalars(select(Timer).where(Timer.state == "waiting"))
        )
    assert len(jtflow.history(case.case_id)) == history
    assert "未知" in ok(cli("calendar", "show", "2027"))


def test_a_missing_file_and_a_non_administrator_are_refused(cli, tmp_path):
    assert "无法读取日历文件" in failed(cli("calendar", "load", str(tmp_path / "none.json")))
    path = write(tmp_path, "2027.json", YEAR_2027)
    assert "管理员" in failed(cli("calendar", "load", path, "--as", "bus_handler"))
    assert "未知" in ok(cli("calendar", "show", "2027"))


def test_every_problem_of_a_bad_file_is_on_its_one_line(cli, tmp_path):
    """SPEC §2: two weekend days listed as holidays — both named, on one line."""
    path = write(tmp_path, "2027.json", {**YEAR_2027, "holidays": ["2027-01-02", "2027-01-03"]})
    error = failed(cli("calendar", "load", path))
    assert len(error.splitlines()) == 1 and "2027-01-02" in error and "2027-01-03" in error
