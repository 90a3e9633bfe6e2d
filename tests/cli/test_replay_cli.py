"""S2 from the command line, on the real clock (the CLI's): a 12328 complaint reported two
working days after it was discovered — its 分类转办 red at once and the center pressed (E12),
while the 12328 platform's deadline less the center's share still lies ahead (E6) — then
handled, returned once (E10) and archived with `jtflow task complete`, replays exactly:
`jtflow audit replay` says every event is reproduced, and so does the API at every step."""

from __future__ import annotations

import json
from datetime import datetime

from engine.time.calendar import WorkingCalendar
from engine.time.clock import SHANGHAI
from tests.walkthrough import (
    REPORT,
    api_reader,
    check_the_record,
    replays_exactly,
    reproduced_at_every_step,
    walk,
)


def report_overdue(cli) -> str:  # type: ignore[no-untyped-def]
    discovered = WorkingCalendar().subtract_working_days(datetime.now(SHANGHAI), 2).at
    result = cli(
        "event", "report", "--as", "c_12328", "--channel", REPORT["channel"],
        "--urgency", REPORT["urgency"], "--title", REPORT["title"],
        "--description", REPORT["description"], "--location", REPORT["location"],
        "--facility-type", REPORT["facility"]["type"],
        "--facility-name", REPORT["facility"]["name"],
        "--discovered-at", discovered.isoformat(timespec="seconds"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    return result.output.strip()


def test_a_case_worked_on_the_command_line_replays_exactly(cli, jtflow, db_url):
    case_no = report_overdue(cli)

    def complete(task, data, username):  # type: ignore[no-untyped-def]
        for args in (
            ("task", "claim", str(task.id), "--as", username),
            ("task", "complete", str(task.id), "--as", username, "--data", json.dumps(data)),
        ):
            result = cli(*args)
            assert result.exit_code == 0, result.output + result.stderr

    done = walk(jtflow, case_no, complete, between=lambda: cli("timers", "fire"))
    history = check_the_record(jtflow, case_no, done)

    replay = cli("audit", "replay", case_no)
    assert replay.exit_code == 0, replay.stderr
    assert f"重放 {len(history)} 条事件，全部一致" in replay.output
    replays_exactly(jtflow, case_no)
    reproduced_at_every_step(api_reader(jtflow, db_url), case_no, len(history))
