"""Draws processes/knowledge_revision.bpmn (SPEC §5 O2) on the sharing drawer's layout.

As with tools/draw_lifecycle.py, the .bpmn file is the source of truth that process owners
edit in bpmn-js; this script only produced its first layout:

    python tools/draw_knowledge.py > processes/knowledge_revision.bpmn
"""

from __future__ import annotations

from draw_lifecycle import Flow, Node, Pool, Timer, user
from draw_sharing import document, escalation

CENTER_ROLE = "投诉受理岗"  # the 12328 seats keep the knowledge base (第四节 3)
UNIT_ROLE = "办理人"
QUARTERLY = '"R/2026-01-01T00:00:00+08:00/P3M"'  # every quarter's first day, 00:00 Xiamen

LANES = [  # id, name, rows
    ("kb_unit", "报送单位（办理人）", 1),
    ("kb_center", "监测中心·投诉受理岗（知识库）", 2),
]

N = [
    Node(
        "start",
        "start",
        "知识库事项",
        "kb_center",
        0,
        doc="两种事项：单位因职能或政策调整产生新知识（policy_change），或知识库的季度修订"
        "日程（quarterly，常驻案件，由 `jtflow init` 开始一次）。O2",
    ),
    Node(
        "gw_kind",
        "xor",
        "事项？",
        "kb_center",
        1,
        default="flow_policy",
        doc="O2",
    ),
    Node(
        "quarterly",
        "cycle",
        "每季度",
        "kb_center",
        2,
        row=1,
        doc="每季度由监测中心组织各单位修订、更新知识库：循环计时器在每季度第一天 0:00"
        "（厦门时间）打开一次修订任务，计时器一直等待下一季度。O2",
        script=QUARTERLY,
    ),
    Node(
        "plan_revision",
        "script",
        "确定修订时限",
        "kb_center",
        3,
        row=1,
        doc="修订时限：自本季度开始起 20 个工作日（标准只写“每季度”，本系统暂定，由局确认）。"
        "O2、E12",
        script="revision_due = add_working_days(cycle_at, 20)",
    ),
    user(
        "revise",
        "知识库季度修订",
        "kb_center",
        4,
        "knowledge_revise",
        "CENTER",
        CENTER_ROLE,
        "监测中心组织各单位修订及更新知识库，登记本季度修订情况；条目的修改在知识库页面进行，"
        "每次修改生成新版本。O2、E12",
        row=1,
    ),
    Node("end_revised", "end", "本季度已修订", "kb_center", 5, row=1, doc="O2"),
    Node(
        "register",
        "script",
        "登记政策调整",
        "kb_unit",
        2,
        doc="新知识自职能或政策调整之日起 5 个工作日内报送监测中心。O2",
        script="submit_round = 0",
    ),
    Node("merge_submit", "xor", "", "kb_unit", 3, doc="退回的，重新报送。O2"),
    Node(
        "plan_submit",
        "script",
        "确定报送时限",
        "kb_unit",
        4,
        doc="报送时限：自政策调整起 5 个工作日（O2）；退回重报的，自退回起 5 个工作日"
        "（本系统暂定）。O2、E12",
        script="submit_round = submit_round + 1\n"
        "submit_from = changed_at if submit_round == 1 else now()\n"
        "submit_due = add_working_days(submit_from, 5)",
    ),
    user(
        "submit",
        "报送新知识",
        "kb_unit",
        5,
        "knowledge_submit",
        "=unit_code",
        UNIT_ROLE,
        "单位按 12328 知识库格式报送因职能或政策调整产生的新知识（新条目，或已有条目的修订）。"
        "O2、E12",
        post="submitted_at = now()",
    ),
    user(
        "review",
        "审核入库",
        "kb_center",
        6,
        "knowledge_review",
        "CENTER",
        CENTER_ROLE,
        "监测中心审核报送的知识：通过的作为条目的新版本入库，不通过的退回单位重报。O2、E12",
        props={"records": '="knowledge_returned" if decision == "return" else None'},
    ),
    Node(
        "gw_accepted",
        "xor",
        "入库？",
        "kb_center",
        7,
        default="flow_accepted",
        doc="O2",
    ),
    Node(
        "end_published",
        "end",
        "已入库",
        "kb_center",
        8,
        doc="知识作为条目的新版本入库，旧版本仍可查阅。O2",
        props={"case_status": "published"},
    ),
]

F = [
    Flow("flow_start", "start", "gw_kind"),
    Flow("flow_quarterly", "gw_kind", "quarterly", "季度修订", 'kind == "quarterly"'),
    Flow("flow_policy", "gw_kind", "register", "政策调整"),
    Flow("flow_cycle_fired", "quarterly", "plan_revision"),
    Flow("flow_revision_planned", "plan_revision", "revise"),
    Flow("flow_revised", "revise", "end_revised"),
    Flow("flow_registered", "register", "merge_submit"),
    Flow("flow_to_plan", "merge_submit", "plan_submit"),
    Flow("flow_planned", "plan_submit", "submit"),
    Flow("flow_submitted", "submit", "review"),
    Flow("flow_reviewed", "review", "gw_accepted"),
    Flow("flow_returned", "gw_accepted", "merge_submit", "退回", 'decision == "return"'),
    Flow("flow_accepted", "gw_accepted", "end_published", "入库"),
]

T = [
    Timer(
        "timer_submit",
        "submit",
        "submit_due",
        "5个工作日",
        "报送超期",
        "报送时限：自职能或政策调整起 5 个工作日。O2、E12",
        start="submit_from",
    ),
    Timer(
        "timer_review",
        "review",
        "add_working_days(submitted_at, 5)",
        "5个工作日",
        "审核超期",
        "审核时限：自报送起 5 个工作日（标准未规定，本系统暂定）。O2、E12",
        start="submitted_at",
    ),
    Timer(
        "timer_revise",
        "revise",
        "revision_due",
        "20个工作日",
        "修订超期",
        "修订时限：自本季度开始起 20 个工作日（暂定，见“确定修订时限”）。O2、E12",
        start="cycle_at",
    ),
]

ESCALATION_LANES = [("kb_esc_center", "监测中心·投诉受理岗（催办）", 1)]

EN, EF, ET = escalation(
    "kb_esc_center",
    "press",
    "红灯：监测中心催办超期步骤（overdue_step）的承办方，记录催办方式与情况；"
    "被催办的步骤办结时本催办随之结束（历史保留）。O2、E12",
)
for node in EN:  # the knowledge base is the 12328 seats' (第四节 3), not the data post's
    if node.kind == "user":
        node.props["role"] = CENTER_ROLE

POOLS = [
    Pool(
        "participant_knowledge",
        "knowledge_revision",
        "知识库报送与季度修订",
        "单位因职能或政策调整产生新知识，5 个工作日内报送监测中心，中心审核入库；每季度由"
        "监测中心组织各单位修订及更新知识库（SPEC §5 O2）。"
        "《智慧交通运输精细化管理标准》第八篇第四节 3。",
        LANES,
        N,
        F,
        T,
    ),
    Pool(
        "participant_knowledge_escalation",
        "escalation",
        "超期催办（电子监察）",
        "步骤超过时限（红灯）时，监测中心催办。O2、E12",
        ESCALATION_LANES,
        EN,
        EF,
        ET,
    ),
]


if __name__ == "__main__":
    print(document(POOLS, "knowledge_revision", "draw_knowledge.py"))
