"""The modeler's migration preview (issue 14), grouped: it must say exactly what previewing
each running case on its own says — changed elements, moved deadlines, refusals — on cases
at different steps, with different data, inside subprocesses, refused for missing elements,
failing on their own data, and with provisional deadlines; while loading only one case of
each group that sits alike. Nothing is written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.definitions.deploy import collect_files, parse
from engine.migration_preview import DraftPreview, preview_each, preview_on_draft
from engine.models import HistoryEvent, Instance
from engine.service import LIFECYCLE
from engine.time.clock import SHANGHAI
from tests.engine.test_case_migration import SIGN_FOR_IN_TWO_WORKING_DAYS
from tests.engine.test_draft_trial import SIGN_FOR_IN_FOUR_HOURS
from tests.factories import report, step, write_variant

HANDLE_REPLY_DUE = (
    "within(deadline(handle_from, feedback_rule), discovered_at, platform_rule, center_share)"
)
HANDLE_REPLY_YELLOW_AT_70 = (
    f"<bpmn:timeDate>warn_at(handle_from, {HANDLE_REPLY_DUE})</bpmn:timeDate>",
    f"<bpmn:timeDate>warn_at(handle_from, {HANDLE_REPLY_DUE}, 0.7)</bpmn:timeDate>",
)
TRANSFER = {"decision": "transfer", "lead_unit": "BUS_GROUP"}
RETURNED = {"accepted": False, "reason": "答复缺少处置情况", "basis": "E10"}


def backlog(jtflow, clock):  # type: ignore[no-untyped-def]
    """Running cases at 分类转办, 签收 (ordinary and urgent), 办理答复 (first and second
    round: a subprocess), 单位领导审核 and 中心审核, two of each, each with its own instants."""
    cases = []
    for hours in (1, 5):
        clock.advance(hours=hours)
        cases.append(report(jtflow))  # at 分类转办
        for urgency, done in (
            ("normal", ()),
            ("urgent", ()),
            ("pressing", ("sign_for",)),
            ("normal", ("sign_for", "handle_reply")),
            ("normal", ("sign_for", "handle_reply", "leader_approve")),
            ("normal", ("sign_for", "handle_reply", "leader_approve", "returned")),
        ):
            clock.advance(minutes=17 * hours)
            case = report(jtflow, urgency=urgency, channel="hotline_12328")
            step(jtflow, case, "classify", TRANSFER)
            for element in done:
                clock.advance(minutes=40 * hours)
                if element == "returned":
                    step(jtflow, case, "center_audit", RETURNED)
                else:
                    step(jtflow, case, element)
            cases.append(case)
    return cases


def draft(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Any, dict[str, Any]]:
    _, spec, dependencies = parse(collect_files(write_variant(tmp_path / "draft", *edits)))
    return spec, dependencies


def written(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(HistoryEvent)),
            sorted(session.execute(select(Instance.id, Instance.version, Instance.state)).all()),
        )


def both_ways(jtflow, spec, dependencies):  # type: ignore[no-untyped-def]
    before = written(jtflow)
    grouped = DraftPreview(jtflow, spec, dependencies).grouped(LIFECYCLE)
    each = preview_each(jtflow, LIFECYCLE, spec, dependencies)
    assert grouped.report.migrated == each.migrated
    assert grouped.report.refused == each.refused
    assert list(grouped.report.refused) == list(each.refused)  # in case order too
    assert written(jtflow) == before  # nothing written, not even a version bump
    return grouped


def test_the_grouped_preview_says_what_each_case_says_loading_one_per_group(
    jtflow, clock, tmp_path
):
    cases = backlog(jtflow, clock)
    spec, dependencies = draft(
        tmp_path,
        *SIGN_FOR_IN_FOUR_HOURS,
        *SIGN_FOR_IN_TWO_WORKING_DAYS[:1],
        HANDLE_REPLY_YELLOW_AT_70,
    )

    grouped = both_ways(jtflow, spec, dependencies)

    report_ = grouped.report
    assert len(report_.migrated) == len(cases) and not report_.refused
    moved = {m.case_no: {r["element_id"] for r in m.retimed} for m in report_.migrated}
    assert moved[cases[1].case_no] == {"warn_sign_for", "timer_sign_for"}  # 签收
    assert {"warn_sign_for", "timer_sign_for"} <= moved[cases[2].case_no]  # urgent 签收
    assert moved[cases[3].case_no] == {"warn_handle_reply"}  # in the subprocess
    assert moved[cases[6].case_no] == {"warn_handle_reply"}  # its second round
    assert moved[cases[4].case_no] == moved[cases[5].case_no] == set()  # 审核: no timer moved
    # the same steps, other instants: other deadlines, from each case's own data
    assert report_.migrated[1].retimed != report_.migrated[8].retimed
    assert "sign_for" in report_.migrated[1].changed
    # one case loaded per group: seven places in the tree (or a few more where timers have
    # fired meanwhile), for thirteen cases
    assert grouped.loaded == len(grouped.groups) <= 8


def test_a_draft_lacking_elements_refuses_the_cases_past_them_alike(jtflow, clock, tmp_path):
    cases = backlog(jtflow, clock)
    spec, dependencies = draft(
        tmp_path,
        ('id="handle_reply" name="办理答复"', 'id="reply_handling" name="办理答复"'),
        ('attachedToRef="handle_reply"', 'attachedToRef="reply_handling"'),
        ('targetRef="handle_reply"', 'targetRef="reply_handling"'),
        ('sourceRef="handle_reply"', 'sourceRef="reply_handling"'),
        ('bpmnElement="handle_reply"', 'bpmnElement="reply_handling"'),
        ("<bpmn:flowNodeRef>handle_reply<", "<bpmn:flowNodeRef>reply_handling<"),
    )

    grouped = both_ways(jtflow, spec, dependencies)

    refused = grouped.report.refused
    inside = [c.case_no for c in cases if c.case_no in refused]
    assert len(inside) == 8  # every case that reached 办理答复
    assert all("handle_reply" in refused[case_no] for case_no in inside)
    assert grouped.loaded == len(grouped.groups) <= 8


def test_a_case_whose_own_data_fails_the_new_timer_is_refused_on_its_own(jtflow, clock, tmp_path):
    """Only ordinary cases have what the draft's deadline reads: the others fail, each
    refused with its own case number, as previewing it alone says."""
    cases = backlog(jtflow, clock)
    spec, dependencies = draft(
        tmp_path,
        (
            "<bpmn:timeDate>add_working_days(transferred_at, 1)</bpmn:timeDate>",
            "<bpmn:timeDate>add_working_days(transferred_at, 1 if urgency == 'normal' "
            "else pressing_days)</bpmn:timeDate>",
        ),
    )

    grouped = both_ways(jtflow, spec, dependencies)

    refused = grouped.report.refused
    assert list(refused) == [cases[2].case_no, cases[9].case_no]  # the urgent ones at 签收
    assert all(case_no in why for case_no, why in refused.items())


def test_a_reset_running_diagram_code_is_previewed_case_by_case(jtflow, clock, tmp_path):
    """A pre-script on the step the cases wait at runs when the migration resets it: on
    each case's data, so each case is loaded."""
    backlog(jtflow, clock)
    spec, dependencies = draft(
        tmp_path,
        (
            "urgent_transfer）。E5、E7</bpmn:documentation><bpmn:extensionElements>",
            "urgent_transfer）。E5、E7</bpmn:documentation><bpmn:extensionElements>"
            "<spiffworkflow:preScript>sign_for_opened = transferred_at</spiffworkflow:preScript>",
        ),
    )

    grouped = both_ways(jtflow, spec, dependencies)

    # the second ordinary and the second urgent case at 签收 are loaded too
    assert grouped.loaded == len(grouped.groups) + 2


def test_provisional_deadlines_from_an_unknown_year_are_previewed_alike(jtflow, clock, tmp_path):
    """SPEC §2: transferred on the last days of 2026, with 2027 not loaded, the deadlines are
    provisional; the draft's are too, and both ways say the same."""
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI))
    for _ in range(3):
        case = report(jtflow)
        step(jtflow, case, "classify", TRANSFER)
        clock.advance(hours=9)
    spec, dependencies = draft(tmp_path, *SIGN_FOR_IN_TWO_WORKING_DAYS)

    grouped = both_ways(jtflow, spec, dependencies)

    due = [m.retimed[-1]["new_due_at"] for m in grouped.report.migrated]
    assert all(d.startswith("2027-01-0") for d in due)
    assert grouped.loaded == 2  # the first case's stored deadline is not provisional: apart


def test_the_check_previews_through_the_grouped_path(jtflow, clock, tmp_path):
    """preview_on_draft, as the modeler's Check and the bench call it, is the grouped one."""
    backlog(jtflow, clock)
    spec, dependencies = draft(tmp_path, *SIGN_FOR_IN_FOUR_HOURS)
    assert preview_on_draft(jtflow, LIFECYCLE, spec, dependencies) == preview_each(
        jtflow, LIFECYCLE, spec, dependencies
    )


def test_a_case_sitting_in_escalation_is_previewed_alike(jtflow, clock, tmp_path):
    """Overdue at 签收: the escalation subprocess runs beside the step still open."""
    case = report(jtflow)
    step(jtflow, case, "classify", TRANSFER)
    clock.advance(days=3)
    jtflow.fire_due_timers()
    spec, dependencies = draft(tmp_path, *SIGN_FOR_IN_TWO_WORKING_DAYS, HANDLE_REPLY_YELLOW_AT_70)

    grouped = both_ways(jtflow, spec, dependencies)

    assert len(grouped.report.migrated) + len(grouped.report.refused) == 1
