"""Draws processes/interface_notice.bpmn (SPEC §5 O1, O3) on the sharing drawer's layout.

As with tools/draw_lifecycle.py, the .bpmn file is the source of truth that process owners
edit in bpmn-js; this script only produced its first layout:

    python tools/draw_notice.py > processes/interface_notice.bpmn
"""

from __future__ import annotations

from draw_lifecycle import Flow, Node, Pool, Timer, user
from draw_sharing import document, escalation

CENTER_ROLE = "数据资源管理岗"  # the center's data post keeps the catalogue and its interfaces
UNIT_ROLE = "数据资源管理员"  # the notifying unit's data administrator (O5)

LANES = [  # id, name, rows
    ("in_unit", "通知单位（数据资源管理员）", 1),
    ("in_center", "监测中心·数据资源管理岗", 1),
]

N = [
    Node(
        "notify",
        "start",
        "报送接口通知",
        "in_unit",
        0,
        doc="交通各行业管理单位报知监测中心：系统升级等需临时关闭接口的，提前 3 个工作日；"
        "故障或不可抗力产生数据问题的，1 个工作日内；通知写明受影响的目录资源。"
        "通知是否逾期在报送时按工作日历记下。O1、O3",
    ),
    Node(
        "register",
        "script",
        "登记通知",
        "in_unit",
        1,
        doc="登记收到通知的时刻：中心接收时限自此起算。O1、O3、E12",
        script="notified_at = now()\nrestore_round = 0\nbackfill_round = 0",
    ),
    user(
        "receive",
        "中心接收登记",
        "in_center",
        2,
        "notice_receive",
        "CENTER",
        CENTER_ROLE,
        "监测中心接收通知、登记受影响的资源并告知使用方；资源在通知办结前于目录中显示为中断。"
        "O1、O3、E12",
    ),
    Node("merge_restore", "xor", "", "in_unit", 3, doc="未通过确认的，重新修复。O1"),
    Node(
        "plan_restore",
        "script",
        "确定恢复时限",
        "in_unit",
        4,
        doc="恢复时限：升级停用按通知的计划恢复时间；故障、不可抗力及退回重修的，自此起 3 个"
        "工作日（标准写“及时修复”，本系统暂定，由局确认）。O1、O3、E12",
        script="restore_round = restore_round + 1\nrestore_from = now()\n"
        'restore_due = planned_resume if kind == "upgrade" and restore_round == 1 '
        "else add_working_days(restore_from, 3)",
    ),
    user(
        "restore",
        "修复并恢复传输",
        "in_unit",
        5,
        "notice_restore",
        "=reporter_unit",
        UNIT_ROLE,
        "通知单位及时修复或完成升级，恢复数据传输后报告；说明停用期间是否缺失数据。O1、O3、E12",
    ),
    Node(
        "record_restored",
        "script",
        "记录恢复",
        "in_unit",
        6,
        doc="恢复报告的时刻：中心确认时限自此起算。E12",
        script="restored_at = now()",
    ),
    user(
        "confirm_restore",
        "中心确认修复",
        "in_center",
        7,
        "notice_confirm_restore",
        "CENTER",
        CENTER_ROLE,
        "监测中心核实数据传输已恢复正常；未恢复的退回通知单位重新修复。O1、E12",
        props={"records": '="restore_rejected" if not confirmed else None'},
    ),
    Node(
        "gw_confirmed",
        "xor",
        "已恢复？",
        "in_center",
        8,
        default="flow_confirmed",
        doc="确认恢复，或退回重新修复。O1",
    ),
    Node(
        "gw_missing",
        "xor",
        "缺失数据？",
        "in_center",
        9,
        default="flow_nothing_missing",
        doc="紧急情况不能正常传输的，恢复正常后及时补传数据。O1",
    ),
    Node("merge_backfill", "xor", "", "in_unit", 10, doc="补传不完整的，继续补传。O1"),
    Node(
        "plan_backfill",
        "script",
        "确定补传时限",
        "in_unit",
        11,
        doc="补传时限：自中心确认恢复（或退回补传）起 3 个工作日。标准写“恢复正常后及时补传”，"
        "本系统暂定 3 个工作日，局可在此修改。O1、E12",
        script="backfill_round = backfill_round + 1\nbackfill_from = now()\n"
        "backfill_due = add_working_days(backfill_from, 3)",
    ),
    user(
        "backfill",
        "补传缺失数据",
        "in_unit",
        12,
        "notice_backfill",
        "=reporter_unit",
        UNIT_ROLE,
        "通知单位补传中断期间缺失的数据，降低影响和损失。O1、E12",
    ),
    Node(
        "record_backfilled",
        "script",
        "记录补传",
        "in_unit",
        13,
        doc="补传报告的时刻：中心核验时限自此起算。E12",
        script="backfilled_at = now()",
    ),
    user(
        "confirm_backfill",
        "中心核验补传",
        "in_center",
        14,
        "notice_confirm_backfill",
        "CENTER",
        CENTER_ROLE,
        "监测中心核验缺失数据已补传完整；不完整的退回继续补传。O1、E12",
        props={"records": '="backfill_rejected" if not complete else None'},
    ),
    Node(
        "gw_backfilled",
        "xor",
        "补传完整？",
        "in_center",
        15,
        default="flow_backfill_complete",
        doc="O1",
    ),
    Node(
        "end_backfilled",
        "end",
        "已补传",
        "in_center",
        16,
        doc="数据已恢复并补传完整，资源不再显示中断。O1",
        props={"case_status": "completed"},
    ),
    Node(
        "end_restored",
        "end",
        "已恢复",
        "in_center",
        10.5,
        row=0,
        doc="数据传输已恢复且无缺失，资源不再显示中断。O1、O3",
        props={"case_status": "completed"},
    ),
]

F = [
    Flow("flow_notify", "notify", "register"),
    Flow("flow_registered", "register", "receive"),
    Flow("flow_received", "receive", "merge_restore"),
    Flow("flow_to_plan", "merge_restore", "plan_restore"),
    Flow("flow_planned", "plan_restore", "restore"),
    Flow("flow_restored", "restore", "record_restored"),
    Flow("flow_to_confirm", "record_restored", "confirm_restore"),
    Flow("flow_confirm_answered", "confirm_restore", "gw_confirmed"),
    Flow("flow_not_restored", "gw_confirmed", "merge_restore", "未恢复", "not confirmed"),
    Flow("flow_confirmed", "gw_confirmed", "gw_missing", "已恢复"),
    Flow("flow_missing", "gw_missing", "merge_backfill", "有缺失", "data_missing"),
    Flow("flow_nothing_missing", "gw_missing", "end_restored", "无缺失"),
    Flow("flow_to_plan_backfill", "merge_backfill", "plan_backfill"),
    Flow("flow_backfill_planned", "plan_backfill", "backfill"),
    Flow("flow_backfilled", "backfill", "record_backfilled"),
    Flow("flow_to_check_backfill", "record_backfilled", "confirm_backfill"),
    Flow("flow_backfill_answered", "confirm_backfill", "gw_backfilled"),
    Flow("flow_backfill_incomplete", "gw_backfilled", "merge_backfill", "不完整", "not complete"),
    Flow("flow_backfill_complete", "gw_backfilled", "end_backfilled", "完整"),
]

T = [
    Timer(
        "timer_receive",
        "receive",
        "add_working_days(notified_at, 1)",
        "1个工作日",
        "接收超期",
        "接收时限：自收到通知起 1 个工作日（标准未规定，本系统暂定）。O1、O3、E12",
        start="notified_at",
    ),
    Timer(
        "timer_restore",
        "restore",
        "restore_due",
        "恢复时限",
        "恢复超期",
        "恢复时限：升级停用为计划恢复时间，故障为 3 个工作日（暂定）。O1、O3、E12",
        start="restore_from",
    ),
    Timer(
        "timer_confirm_restore",
        "confirm_restore",
        "add_working_days(restored_at, 1)",
        "1个工作日",
        "确认超期",
        "确认时限：自恢复报告起 1 个工作日（暂定）。O1、E12",
        start="restored_at",
    ),
    Timer(
        "timer_backfill",
        "backfill",
        "backfill_due",
        "补传时限",
        "补传超期",
        "补传时限：自确认恢复起 3 个工作日（暂定，见“确定补传时限”）。O1、E12",
        start="backfill_from",
    ),
    Timer(
        "timer_confirm_backfill",
        "confirm_backfill",
        "add_working_days(backfilled_at, 1)",
        "1个工作日",
        "核验超期",
        "核验时限：自补传报告起 1 个工作日（暂定）。O1、E12",
        start="backfilled_at",
    ),
]

ESCALATION_LANES = [("in_esc_center", "监测中心·数据资源管理岗（催办）", 1)]

EN, EF, ET = escalation(
    "in_esc_center",
    "press",
    "红灯：监测中心催办超期步骤（overdue_step）的承办方，记录催办方式与情况；"
    "被催办的步骤办结时本催办随之结束（历史保留）。O1、E12",
)

POOLS = [
    Pool(
        "participant_notice",
        "interface_notice",
        "数据接口停用与故障通知",
        "报送通知（升级停用提前 3 个工作日，故障或不可抗力 1 个工作日内）→ 中心接收 → "
        "修复并恢复 → 中心确认 → 缺失数据补传 → 中心核验（SPEC §5 O1、O3）。"
        "《智慧交通运输精细化管理标准》第八篇第三节 2、6。",
        LANES,
        N,
        F,
        T,
    ),
    Pool(
        "participant_notice_escalation",
        "escalation",
        "超期催办（电子监察）",
        "步骤超过时限（红灯）时，监测中心催办。O1、E12",
        ESCALATION_LANES,
        EN,
        EF,
        ET,
    ),
]


if __name__ == "__main__":
    print(document(POOLS, "interface_notice", "draw_notice.py"))
