"""Draws processes/event_lifecycle.bpmn (SPEC §3) with a tidy bpmn-js layout.

The .bpmn file is the source of truth that process owners edit in bpmn-js;
this script only produced its first layout, so that every element sits on a
grid of lanes and columns. Re-run it only to re-lay the whole diagram:

    python tools/draw_lifecycle.py > processes/event_lifecycle.bpmn
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

COL_W, LANE_X, LANE_LABEL = 150, 160, 30
ROW_H = 220  # a task, and under it its warning end and its escalation call
TASK_W, TASK_H, EVENT, GATEWAY = 110, 80, 36, 50

LANES = [  # id, name, rows
    ("lane_intake", "监测中心·监测与受理岗位", 1),
    ("lane_dispatch", "监测中心·投诉受理岗（转办/审核/归档）", 2),
    ("lane_platform", "监测中心·平台受理岗", 1),
    ("lane_legal", "法规处 / 局办公室（职责确认）", 1),
    ("lane_office", "局办公室（督办） / 安监处（协调）", 3),
    ("lane_unit", "承办单位", 4),
]


@dataclass
class Node:
    id: str
    kind: str  # start, end, user, script, rule, xor, and, timer_end, cycle
    name: str
    lane: str
    col: float
    row: int = 0
    doc: str = ""
    props: dict[str, str] = field(default_factory=dict)
    script: str = ""
    decision: str = ""
    default: str = ""
    multi: tuple[str, str, str, str] | None = None  # input, item, output, output item
    post: str = ""  # a user task's postScript: the instant the next step's clock starts


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str = ""


@dataclass
class Timer:
    """A watched step: the red deadline timer, its yellow warning timer and its escalation."""

    id: str
    task: str
    expression: str
    name: str
    end_name: str
    doc: str
    start: str = "transferred_at"  # where the allowed time starts, for the yellow light
    warn_fraction: float | None = None  # None: warn_at's default 0.8 (E12)
    escalate: bool = True  # False: red is a light only (a reminder is not itself chased)

    @property
    def warn_id(self):
        return f"warn_{self.task}"

    @property
    def warn_expression(self):
        fraction = "" if self.warn_fraction is None else f", {self.warn_fraction}"
        return f"warn_at({self.start}, {self.expression}{fraction})"

    @property
    def escalate_id(self):
        return f"escalate_{self.task}"


# E12: every step someone waits on is watched. Where the standard gives no time, this
# system's choice (for the bureau to confirm): 2 hours for a 紧急/特别紧急 event, else 1
# working day, from the instant the step's wait began
WAIT_RULE = '"2h" if is_urgent else "1wd"'


# E6 (5.2.2, 5.2.3): an event from 12328, 12345 or the public-safety platform is answered by the
# center within the platform's time limit (DMN platform_deadline, from discovered_at). The unit's
# steps end no later than that limit less the center's share (center_share, the same table);
# the center's audit and its answer to the platform no later than the limit itself.
def by_unit_share(expression):
    return f"within({expression}, discovered_at, platform_rule, center_share)"


def by_platform(expression):
    return f"within({expression}, discovered_at, platform_rule)"


UNIT_SHARE_DOC = "来源平台的事件不晚于平台时限减去中心审核与答复所需时间（DMN platform_deadline）"
PLATFORM_DOC = "来源平台的事件不晚于平台时限（DMN platform_deadline）"


def user(id, name, lane, col, form, unit, role, doc, row=0, **kw):
    props = {"formJsonSchemaFilename": f"{form}.json", "unit": unit, "role": role}
    props.update(kw.pop("props", {}))
    return Node(id, "user", name, lane, col, row, doc, props, **kw)


N = [
    Node(
        "report",
        "start",
        "事件报送",
        "lane_intake",
        0,
        doc="监测 → 报送：监测中心各岗位（或业务单位巡检）登记事件，启动本流程。E1、E11",
    ),
    Node(
        "prepare",
        "script",
        "登记事件",
        "lane_intake",
        1,
        doc="记录事件要素并初始化计数。E1",
        script='is_patrol = channel == "patrol"\nis_urgent = urgency in ("critical", "urgent")\n'
        "return_count = 0\nfallback_used = False",
    ),
    Node(
        "gw_patrol",
        "xor",
        "事件来源？",
        "lane_intake",
        2,
        default="flow_central",
        doc="主管部门统一监测与业务单位日常巡检分流。E11",
    ),
    user(
        "patrol_handle",
        "巡检事件自行处置",
        "lane_unit",
        3,
        "patrol_handle",
        "=reporter_unit",
        "办理人",
        "业务单位日常巡检的事件由本单位自行处理，重大事项报市交通运输局。E11",
    ),
    Node(
        "gw_major",
        "xor",
        "重大事项？",
        "lane_unit",
        4,
        default="flow_minor",
        doc="重大事项及需局协调的事项报局，进入统一处置流程。E11",
    ),
    Node(
        "record_patrol",
        "script",
        "记录报局备案",
        "lane_unit",
        5,
        doc="巡检事件处置结果记录并与局管理系统共享。E11",
        script="recorded_for_bureau = True",
    ),
    Node(
        "end_patrol",
        "end",
        "巡检事件办结",
        "lane_unit",
        6,
        doc="E11",
        props={"case_status": "recorded"},
    ),
    Node("merge_intake", "xor", "", "lane_intake", 5, doc="统一监测事件与报局的巡检事件汇合。E11"),
    Node(
        "route",
        "rule",
        "职责路由",
        "lane_intake",
        6,
        decision="event_routing",
        doc="按设施类型与名称查出建议承办单位（DMN 路由表，可由中心改派）。E2",
    ),
    Node(
        "feedback_rule_lookup",
        "rule",
        "确定反馈时限",
        "lane_intake",
        7,
        decision="feedback_deadline",
        doc="按紧急程度确定承办单位的反馈时限（DMN feedback_deadline，第四节 5.2.2）。E6",
    ),
    Node(
        "platform_rule_lookup",
        "rule",
        "确定平台时限",
        "lane_intake",
        8,
        decision="platform_deadline",
        doc="12328、12345、城市公共安全平台来源的事件：查出来源平台时限及其中留给中心审核与"
        "答复平台的时间（DMN platform_deadline，第四节 5.2.2、5.2.3）；其他渠道两者为空。E6",
    ),
    Node("merge_classify", "xor", "", "lane_dispatch", 8, doc="职责确认后回到分类转办。E4"),
    user(
        "classify",
        "分类转办",
        "lane_dispatch",
        9,
        "classify",
        "CENTER",
        "投诉受理岗",
        "监测中心 1 个工作日内制作转办单并按职责转办；多单位事件指定牵头、协办、兜底单位；"
        "不属于职责范围的 1 个工作日内退件并说明理由和依据；职责不明的提请法规处或局办公室确认；"
        "特别紧急、紧急事件立即转办（30 分钟）。E2、E3、E4、E7",
        post="decided_at = now()",
        props={
            "form_defaults": '={"lead_unit": suggested_lead, "co_units": suggested_co_units}',
            "records": '="returned" if decision == "return" else None',
        },
    ),
    Node(
        "gw_decision",
        "xor",
        "转办决定？",
        "lane_dispatch",
        10,
        default="flow_transfer",
        doc="E2、E4",
    ),
    Node(
        "end_returned",
        "end",
        "退件",
        "lane_dispatch",
        11,
        row=1,
        doc="不属于交通运输职责范围，退件回复（含理由和依据）。E4",
        props={"case_status": "returned"},
    ),
    user(
        "remit_decision",
        "职责确认",
        "lane_legal",
        11,
        "remit_decision",
        "=remit_office",
        "办理人",
        "不能判定是否属于交通运输职责范围的事件，由法规处或局办公室确认，中心按确认意见转办或退件。"
        "时限：1 个工作日（紧急 2 小时），自提请起（本系统的取值）。E4、E12",
    ),
    Node(
        "transfer",
        "script",
        "生成转办单",
        "lane_dispatch",
        12,
        doc="转办给牵头承办单位；签收、办理时限自转办起算。E2、E5、E6",
        script="transferred_at = now()\nhandling_unit = lead_unit\nhandle_from = transferred_at",
    ),
    Node(
        "split",
        "and",
        "分头办理",
        "lane_dispatch",
        13,
        doc="牵头单位办理、协办单位协办、报请协调、紧急事件督办与报告并行。E3、E7",
    ),
    # main branch: sign for, handle, approve, audit
    user(
        "sign_for",
        "签收",
        "lane_unit",
        14,
        "sign_for",
        "=handling_unit",
        "办理人",
        "承办单位 1 个工作日内签收转办事件；不属本单位职责的可申请退回。"
        "紧急、特别紧急事件转办时即通知承办单位（历史记 urgent_transfer）。E5、E7",
        post="signed_at = now()",
        props={"records_opened": '="urgent_transfer" if is_urgent else None'},
    ),
    Node("gw_accept", "xor", "签收？", "lane_unit", 15, default="flow_accepted", doc="E5"),
    Node(
        "gw_fallback",
        "xor",
        "有兜底单位？",
        "lane_unit",
        16,
        row=1,
        default="flow_no_fallback",
        doc="牵头单位申请退回时，由兜底单位承办；无兜底单位的由中心重新转办。E3",
    ),
    Node(
        "use_fallback",
        "script",
        "转兜底单位",
        "lane_unit",
        17,
        row=1,
        doc="兜底单位承办，签收时限重新起算。E3、E5",
        script="handling_unit = fallback_unit\nfallback_used = True\ntransferred_at = now()\n"
        "handle_from = transferred_at",
    ),
    user(
        "retransfer",
        "重新转办",
        "lane_dispatch",
        17,
        "retransfer",
        "CENTER",
        "投诉受理岗",
        "承办单位申请退回且无兜底单位时，由中心协调重新转办。"
        "时限：1 个工作日（紧急 2 小时），自申请退回起（本系统的取值）。E3、E12",
        row=1,
    ),
    Node(
        "apply_retransfer",
        "script",
        "改派承办单位",
        "lane_dispatch",
        18,
        row=1,
        doc="E3、E5",
        script="handling_unit = new_unit\ntransferred_at = now()\nhandle_from = transferred_at",
    ),
    Node(
        "reply",
        "call",
        "办理答复与审核",
        "lane_unit",
        18,
        doc="办理答复 → 单位领导（及分管领导）审核 → 中心审核；中心退件则重新办理，直至符合要求。"
        "每轮为一次子流程调用（标准循环），退件次数计入考核。E6、E8、E9、E10",
    ),
    # co-handling branch
    user(
        "co_handle",
        "协办",
        "lane_unit",
        14,
        "co_handle",
        "=co_unit",
        "办理人",
        "协办单位配合牵头单位办理并提出协办意见。E3",
        row=2,
        multi=("co_units", "co_unit", "co_opinions", "opinion"),
    ),
    # urgent branches
    Node(
        "gw_urgent_supervise",
        "xor",
        "紧急事件？",
        "lane_office",
        14,
        default="flow_no_supervise",
        doc="特别紧急、紧急事件报告局办公室督办。E7",
    ),
    user(
        "supervise",
        "督办",
        "lane_office",
        15,
        "supervise",
        "BUREAU_OFFICE",
        "办理人",
        "局办公室对特别紧急、紧急事件督办。时限：2 小时，自转办起（本系统的取值）。E7、E12",
    ),
    Node("merge_supervise", "xor", "", "lane_office", 16, doc="E7"),
    Node(
        "gw_coordinate",
        "xor",
        "报请协调？",
        "lane_office",
        14,
        row=2,
        default="flow_no_coordinate",
        doc="多单位事件必要时报请局办公室或安监处协调转办。E3",
    ),
    user(
        "coordinate",
        "协调转办",
        "lane_office",
        15,
        "coordinate",
        "=coordination",
        "办理人",
        "中心报请协调的多单位事件：局办公室或安监处协调各承办单位并提出协调意见。"
        "时限：1 个工作日（紧急 2 小时），自转办起（本系统的取值）。E3、E12",
        row=2,
    ),
    Node("merge_coordinate", "xor", "", "lane_office", 16, row=2, doc="E3"),
    Node(
        "gw_urgent_report",
        "xor",
        "紧急事件？",
        "lane_unit",
        14,
        row=3,
        default="flow_no_report",
        doc="E7",
    ),
    user(
        "phone_report",
        "电话报告",
        "lane_unit",
        15,
        "phone_report",
        "=handling_unit",
        "办理人",
        "承办单位 1 小时内电话向局办公室报告现场查实情况。E7",
        row=3,
    ),
    user(
        "written_report",
        "书面报告",
        "lane_unit",
        16,
        "written_report",
        "=handling_unit",
        "办理人",
        "承办单位 24 小时内书面上报处理结果。E7",
        row=3,
        post="office_from = now()",
    ),
    user(
        "office_review",
        "局办公室审核",
        "lane_office",
        17,
        "office_review",
        "BUREAU_OFFICE",
        "办理人",
        "书面报告经局办公室审核。时限：1 个工作日，自书面报告起（本系统的取值）。E7、E12",
        row=1,
    ),
    Node(
        "gw_review",
        "xor",
        "审核通过？",
        "lane_office",
        18,
        row=1,
        default="flow_review_ok",
        doc="E7",
    ),
    Node("merge_report", "xor", "", "lane_office", 19, row=1, doc="E7"),
    Node("join", "and", "办理完毕", "lane_dispatch", 21, doc="各分支完成后办结。E3、E7"),
    Node(
        "close",
        "script",
        "办结",
        "lane_dispatch",
        22,
        doc="监测中心办结事件（承办单位不办结）。E1",
        script="closed_at = now()\narchive_from = closed_at",
    ),
    Node(
        "gw_platform",
        "xor",
        "来源平台？",
        "lane_dispatch",
        23,
        default="flow_no_platform",
        doc="12345、城市公共安全平台来源的事件向来源平台反馈。E6、E7",
    ),
    user(
        "answer_platform",
        "答复来源平台",
        "lane_platform",
        24,
        "answer_platform",
        "CENTER",
        "平台受理岗",
        "平台受理岗按来源平台规定时限反馈办理结果。时限：办结后 1 个工作日（紧急 2 小时）"
        f"（本系统的取值），{PLATFORM_DOC}。E6、E7、E12",
        post="archive_from = now()",
    ),
    Node("merge_platform", "xor", "", "lane_dispatch", 25, doc="E7"),
    Node(
        "gw_revisit",
        "xor",
        "12328 投诉？",
        "lane_dispatch",
        26,
        default="flow_no_revisit",
        doc="12328 投诉办结后回访。E14",
    ),
    user(
        "revisit",
        "回访",
        "lane_dispatch",
        27,
        "revisit",
        "CENTER",
        "投诉受理岗",
        "投诉受理岗回访投诉人并记录结果。时限：办结后 3 个工作日（本系统的取值）。E14、E12",
        row=1,
        post="archive_from = now()",
    ),
    Node("merge_revisit", "xor", "", "lane_dispatch", 28, doc="E14"),
    user(
        "archive",
        "归档",
        "lane_dispatch",
        29,
        "archive",
        "CENTER",
        "投诉受理岗",
        "办结事件归档；归档后不可再更改。时限：1 个工作日（紧急 2 小时），自办结或回访、"
        "答复平台起（本系统的取值）。E13、E12",
    ),
    Node(
        "end_archived",
        "end",
        "已归档",
        "lane_dispatch",
        30,
        doc="E13",
        props={"case_status": "archived"},
    ),
]

F = [
    Flow("flow_report", "report", "prepare"),
    Flow("flow_prepared", "prepare", "gw_patrol"),
    Flow("flow_patrol", "gw_patrol", "patrol_handle", "业务单位巡检", "is_patrol"),
    Flow("flow_central", "gw_patrol", "merge_intake", "统一监测"),
    Flow("flow_patrol_done", "patrol_handle", "gw_major"),
    Flow("flow_major", "gw_major", "merge_intake", "重大事项，报局", "major"),
    Flow("flow_minor", "gw_major", "record_patrol", "自行处理"),
    Flow("flow_recorded", "record_patrol", "end_patrol"),
    Flow("flow_to_route", "merge_intake", "route"),
    Flow("flow_routed", "route", "feedback_rule_lookup"),
    Flow("flow_ruled", "feedback_rule_lookup", "platform_rule_lookup"),
    Flow("flow_platform_ruled", "platform_rule_lookup", "merge_classify"),
    Flow("flow_to_classify", "merge_classify", "classify"),
    Flow("flow_classified", "classify", "gw_decision"),
    Flow("flow_return", "gw_decision", "end_returned", "退件", 'decision == "return"'),
    Flow("flow_ask_remit", "gw_decision", "remit_decision", "职责不明", 'decision == "ask_remit"'),
    Flow("flow_remit_decided", "remit_decision", "merge_classify"),
    Flow("flow_transfer", "gw_decision", "transfer", "转办"),
    Flow("flow_transferred", "transfer", "split"),
    Flow("flow_to_sign", "split", "sign_for"),
    Flow("flow_signed", "sign_for", "gw_accept"),
    Flow("flow_accepted", "gw_accept", "reply", "签收"),
    Flow("flow_refused", "gw_accept", "gw_fallback", "申请退回", "not accept"),
    Flow(
        "flow_fallback",
        "gw_fallback",
        "use_fallback",
        "转兜底单位",
        "fallback_unit is not None and not fallback_used and fallback_unit != handling_unit",
    ),
    Flow("flow_fallback_done", "use_fallback", "sign_for"),
    Flow("flow_no_fallback", "gw_fallback", "retransfer", "中心重新转办"),
    Flow("flow_retransferred", "retransfer", "apply_retransfer"),
    Flow("flow_retransfer_done", "apply_retransfer", "sign_for"),
    Flow("flow_replied", "reply", "join"),
    Flow("flow_to_co", "split", "co_handle"),
    Flow("flow_co_done", "co_handle", "join"),
    Flow("flow_to_supervise_gw", "split", "gw_urgent_supervise"),
    Flow("flow_supervise", "gw_urgent_supervise", "supervise", "紧急", "is_urgent"),
    Flow("flow_no_supervise", "gw_urgent_supervise", "merge_supervise", "非紧急"),
    Flow("flow_supervised", "supervise", "merge_supervise"),
    Flow("flow_supervise_done", "merge_supervise", "join"),
    Flow("flow_to_report_gw", "split", "gw_urgent_report"),
    Flow("flow_report_phone", "gw_urgent_report", "phone_report", "紧急", "is_urgent"),
    Flow("flow_no_report", "gw_urgent_report", "merge_report", "非紧急"),
    Flow("flow_phoned", "phone_report", "written_report"),
    Flow("flow_written", "written_report", "office_review"),
    Flow("flow_reviewed", "office_review", "gw_review"),
    Flow("flow_review_back", "gw_review", "written_report", "退回", "not approved"),
    Flow("flow_review_ok", "gw_review", "merge_report", "通过"),
    Flow("flow_report_done", "merge_report", "join"),
    Flow("flow_to_coordinate_gw", "split", "gw_coordinate"),
    Flow(
        "flow_coordinate",
        "gw_coordinate",
        "coordinate",
        "报请协调",
        'coordination in ("BUREAU_OFFICE", "BUREAU_SAFETY")',
    ),
    Flow("flow_no_coordinate", "gw_coordinate", "merge_coordinate", "无需协调"),
    Flow("flow_coordinated", "coordinate", "merge_coordinate"),
    Flow("flow_coordinate_done", "merge_coordinate", "join"),
    Flow("flow_joined", "join", "close"),
    Flow("flow_closed", "close", "gw_platform"),
    Flow(
        "flow_platform",
        "gw_platform",
        "answer_platform",
        "12345/公共安全平台",
        'channel in ("platform_12345", "public_safety")',
    ),
    Flow("flow_no_platform", "gw_platform", "merge_platform", "其他来源"),
    Flow("flow_answered", "answer_platform", "merge_platform"),
    Flow("flow_to_revisit_gw", "merge_platform", "gw_revisit"),
    Flow("flow_revisit", "gw_revisit", "revisit", "12328", 'channel == "hotline_12328"'),
    Flow("flow_no_revisit", "gw_revisit", "merge_revisit", "其他来源"),
    Flow("flow_revisited", "revisit", "merge_revisit"),
    Flow("flow_to_archive", "merge_revisit", "archive"),
    Flow("flow_archived", "archive", "end_archived"),
]

T = [
    Timer(
        "timer_classify",
        "classify",
        'deadline(discovered_at, "30m" if is_urgent else "1wd")',
        "转办时限",
        "转办超期",
        "转办（或退件）时限：自发现起 1 个工作日；特别紧急、紧急事件立即转办，30 分钟"
        "（本系统的取值）。E2、E4、E7、E12",
        start="discovered_at",
    ),
    Timer(
        "timer_remit_decision",
        "remit_decision",
        f"deadline(decided_at, {WAIT_RULE})",
        "确认时限",
        "职责确认超期",
        "职责确认时限：1 个工作日（紧急 2 小时），自提请起（本系统的取值）。E4、E12",
        start="decided_at",
        escalate=False,
    ),
    Timer(
        "timer_retransfer",
        "retransfer",
        f"deadline(signed_at, {WAIT_RULE})",
        "重新转办时限",
        "重新转办超期",
        "重新转办时限：1 个工作日（紧急 2 小时），自申请退回起（本系统的取值）。E3、E12",
        start="signed_at",
        escalate=False,
    ),
    Timer(
        "timer_supervise",
        "supervise",
        'deadline(transferred_at, "2h")',
        "2小时",
        "督办超期",
        "督办时限：2 小时，自转办起（本系统的取值）。E7、E12",
        escalate=False,
    ),
    Timer(
        "timer_coordinate",
        "coordinate",
        f"deadline(transferred_at, {WAIT_RULE})",
        "协调时限",
        "协调超期",
        "协调时限：1 个工作日（紧急 2 小时），自转办起（本系统的取值）。E3、E12",
        escalate=False,
    ),
    Timer(
        "timer_office_review",
        "office_review",
        'deadline(office_from, "1wd")',
        "1个工作日",
        "审核超期",
        "局办公室审核时限：1 个工作日，自书面报告起（本系统的取值）。E7、E12",
        start="office_from",
        escalate=False,
    ),
    Timer(
        "timer_answer_platform",
        "answer_platform",
        by_platform(f"deadline(closed_at, {WAIT_RULE})"),
        "答复时限",
        "答复平台超期",
        "答复来源平台时限：办结后 1 个工作日（紧急 2 小时）（本系统的取值），"
        f"{PLATFORM_DOC}。E6、E7、E12",
        start="closed_at",
        escalate=False,
    ),
    Timer(
        "timer_revisit",
        "revisit",
        'deadline(closed_at, "3wd")',
        "3个工作日",
        "回访超期",
        "回访时限：办结后 3 个工作日（本系统的取值）。E14、E12",
        start="closed_at",
        escalate=False,
    ),
    Timer(
        "timer_archive",
        "archive",
        f"deadline(archive_from, {WAIT_RULE})",
        "归档时限",
        "归档超期",
        "归档时限：1 个工作日（紧急 2 小时），自办结或回访、答复平台起（本系统的取值）。E13、E12",
        start="archive_from",
        escalate=False,
    ),
    Timer(
        "timer_sign_for",
        "sign_for",
        "add_working_days(transferred_at, 1)",
        "1个工作日",
        "签收超期",
        "签收时限：自转办起 1 个工作日。E5、E12",
    ),
    Timer(
        "timer_co_handle",
        "co_handle",
        by_unit_share("deadline(transferred_at, feedback_rule)"),
        "反馈时限",
        "协办超期",
        f"协办意见与牵头单位同一反馈时限，{UNIT_SHARE_DOC}。E3、E6、E12",
    ),
    Timer(
        "timer_phone_report",
        "phone_report",
        "add_hours(transferred_at, 1)",
        "1小时",
        "电话报告超期",
        "紧急事件 1 小时内电话报告。E7、E12",
    ),
    Timer(
        "timer_written_report",
        "written_report",
        "add_hours(transferred_at, 24)",
        "24小时",
        "书面报告超期",
        "紧急事件 24 小时内书面上报。E7、E12",
    ),
]


# The reply cycle (E6, E8, E9, E10) is its own process, called once per round by a looped call
# activity: each round is a sibling in the task tree, so a reply returned hundreds of times never
# deepens the tree that the main process's joins walk.
REPLY_LANES = [
    ("rc_unit", "承办单位", 1),
    ("rc_leader", "承办单位领导", 1),
    ("rc_deputy", "分管领导", 1),
    ("rc_center", "监测中心·投诉受理岗", 1),
]

RN = [
    Node("rc_start", "start", "提交答复", "rc_unit", 0, doc="首次办理或退件后重新办理。E6、E10"),
    Node("merge_handle", "xor", "", "rc_unit", 1, doc="领导退回修改后重新办理。E9"),
    user(
        "handle_reply",
        "办理答复",
        "rc_unit",
        2,
        "handle_reply",
        "=handling_unit",
        "办理人",
        "承办单位核实、处置并反馈；答复须含事件核实情况和处置情况。"
        "反馈时限：特别紧急 30 分钟、紧急 1 个工作日、较急 5 个工作日、一般 10 个工作日，"
        f"退件重办自退件起重新计时；{UNIT_SHARE_DOC}，两者取严。E6、E8、E10",
        post="approve_from = now()",
    ),
    user(
        "leader_approve",
        "单位领导审核",
        "rc_leader",
        3,
        "leader_approve",
        "=handling_unit",
        "单位领导",
        "反馈意见须经本单位领导把关。时限：1 个工作日（紧急 2 小时），自提交答复起（本系统的取值），"
        f"{UNIT_SHARE_DOC}。E6、E9、E12",
        props={"records": '="returned" if not approved else None'},
        post="review_from = now()",
    ),
    Node("gw_leader", "xor", "领导同意？", "rc_leader", 4, default="flow_leader_ok", doc="E9"),
    Node(
        "gw_important",
        "xor",
        "重要事项？",
        "rc_leader",
        5,
        default="flow_not_important",
        doc="重要事项报分管领导审核。E9",
    ),
    user(
        "deputy_approve",
        "分管领导审核",
        "rc_deputy",
        6,
        "deputy_approve",
        "BUREAU_LEADER",
        "分管领导",
        "重要事项报分管领导审核。时限：1 个工作日（紧急 2 小时），自单位领导同意起（本系统的取值），"
        f"{UNIT_SHARE_DOC}。E6、E9、E12",
        props={"records": '="returned" if not approved else None'},
        post="review_from = now()",
    ),
    Node("gw_deputy", "xor", "分管领导同意？", "rc_deputy", 7, default="flow_deputy_ok", doc="E9"),
    Node("merge_audit", "xor", "", "rc_center", 8, doc="E10"),
    user(
        "center_audit",
        "中心审核答复",
        "rc_center",
        9,
        "center_audit",
        "CENTER",
        "投诉受理岗",
        "监测中心审核书面回复的要素、格式；不符合要求的予以退件，重新提交。"
        f"时限：1 个工作日（紧急 2 小时），自领导审核同意起（本系统的取值），{PLATFORM_DOC}。"
        "E6、E10、E12",
        props={"records": '="returned" if not accepted else None'},
    ),
    Node(
        "record_audit",
        "script",
        "记录审核结果",
        "rc_center",
        10,
        doc="符合要求则办理完毕；退件则计数（考核 A1、A3），办理时限自退件起重新计算。E10",
        script="reply_accepted = accepted\nif not accepted:\n"
        "    return_count = return_count + 1\n    handle_from = now()",
    ),
    Node("rc_end", "end", "本轮结束", "rc_center", 11, doc="E10"),
]

RF = [
    Flow("flow_rc_start", "rc_start", "merge_handle"),
    Flow("flow_to_handle", "merge_handle", "handle_reply"),
    Flow("flow_handled", "handle_reply", "leader_approve"),
    Flow("flow_leader_done", "leader_approve", "gw_leader"),
    Flow("flow_leader_back", "gw_leader", "merge_handle", "退回修改", "not approved"),
    Flow("flow_leader_ok", "gw_leader", "gw_important", "同意"),
    Flow("flow_important", "gw_important", "deputy_approve", "重要事项", "important"),
    Flow("flow_not_important", "gw_important", "merge_audit", "一般事项"),
    Flow("flow_deputy_done", "deputy_approve", "gw_deputy"),
    Flow("flow_deputy_back", "gw_deputy", "merge_handle", "退回修改", "not approved"),
    Flow("flow_deputy_ok", "gw_deputy", "merge_audit", "同意"),
    Flow("flow_to_audit", "merge_audit", "center_audit"),
    Flow("flow_audited", "center_audit", "record_audit"),
    Flow("flow_recorded_audit", "record_audit", "rc_end"),
]

RT = [
    Timer(
        "timer_leader_approve",
        "leader_approve",
        by_unit_share(f"deadline(approve_from, {WAIT_RULE})"),
        "审核时限",
        "领导审核超期",
        "单位领导审核时限：1 个工作日（紧急 2 小时），自提交答复起（本系统的取值），"
        f"{UNIT_SHARE_DOC}。E6、E9、E12",
        start="approve_from",
    ),
    Timer(
        "timer_deputy_approve",
        "deputy_approve",
        by_unit_share(f"deadline(review_from, {WAIT_RULE})"),
        "审核时限",
        "分管领导审核超期",
        "分管领导审核时限：1 个工作日（紧急 2 小时），自单位领导同意起（本系统的取值），"
        f"{UNIT_SHARE_DOC}。E6、E9、E12",
        start="review_from",
        escalate=False,
    ),
    Timer(
        "timer_center_audit",
        "center_audit",
        by_platform(f"deadline(review_from, {WAIT_RULE})"),
        "审核时限",
        "中心审核超期",
        "中心审核时限：1 个工作日（紧急 2 小时），自领导审核同意起（本系统的取值），"
        f"{PLATFORM_DOC}。E6、E10、E12",
        start="review_from",
        escalate=False,
    ),
    Timer(
        "timer_handle_reply",
        "handle_reply",
        by_unit_share("deadline(handle_from, feedback_rule)"),
        "反馈时限",
        "反馈超期",
        "反馈时限按紧急程度（DMN feedback_deadline），自转办或退件起算；"
        f"{UNIT_SHARE_DOC}，两者取严。E6、E10、E12",
        start="handle_from",
    ),
]

# 电子监察 (E12): a step that goes red calls this process — the center's 投诉受理岗 presses
# (催办) the unit; for a 紧急/特别紧急 event (E7) 局办公室 also gets a 督办 task.
ESCALATION_LANES = [
    ("esc_center", "监测中心·投诉受理岗（催办）", 1),
    ("esc_office", "局办公室（超期督办）", 1),
]

EN = [
    Node(
        "esc_start", "start", "步骤超期", "esc_center", 0, doc="被监察的步骤超过时限（红灯）。E12"
    ),
    Node("esc_fork", "and", "", "esc_center", 1, doc="催办与（紧急事件的）督办同时发出。E7、E12"),
    user(
        "press",
        "催办",
        "esc_center",
        2.5,
        "press",
        "CENTER",
        "投诉受理岗",
        "红灯：投诉受理岗向承办方催办超期步骤（overdue_step），记录催办方式与情况；"
        "被催办的步骤办结时本催办随之结束（历史保留）。E12",
        props={"records_opened": "escalated", "reminder": "true"},
    ),
    Node(
        "gw_esc_urgent",
        "xor",
        "紧急事件？",
        "esc_office",
        1.8,
        default="flow_esc_normal",
        doc="特别紧急、紧急事件的步骤超期，同时报局办公室督办。E7、E12",
    ),
    user(
        "oversee",
        "超期督办",
        "esc_office",
        3,
        "oversee",
        "BUREAU_OFFICE",
        "办理人",
        "紧急事件步骤超期：局办公室督办（第四节 5.2.3：紧急、特别紧急事件由局办公室督办），"
        "开启时记为督办（supervised），告知被督办步骤的办理人；被督办的步骤办结时本督办随之结束"
        "（历史保留）。E7、E12",
        props={"records_opened": "supervised", "reminder": "true"},
    ),
    Node("merge_esc", "xor", "", "esc_office", 4, doc="E12"),
    Node("esc_join", "and", "", "esc_center", 5, doc="E12"),
    Node("esc_end", "end", "已催办", "esc_center", 6, doc="E12"),
]

# a reminder's own deadline (this system's choice, for the bureau to confirm): 2 hours for a
# 紧急/特别紧急 event, else 1 working day, from the red light that opened it; red is a light
# only, a reminder is not itself chased
REMINDER_DUE = 'deadline(escalated_at, "2h" if urgency in ("urgent", "critical") else "1wd")'
ET = [
    Timer(
        "timer_press",
        "press",
        REMINDER_DUE,
        "催办时限",
        "催办超期",
        "催办时限：紧急、特别紧急事件 2 小时，其他 1 个工作日，自红灯起（本系统的取值，待局确认）。E12",
        start="escalated_at",
        escalate=False,
    ),
    Timer(
        "timer_oversee",
        "oversee",
        REMINDER_DUE,
        "督办时限",
        "督办超期",
        "督办时限：2 小时，自红灯起（本系统的取值，待局确认）。E7、E12",
        start="escalated_at",
        escalate=False,
    ),
]

EF = [
    Flow("flow_esc_start", "esc_start", "esc_fork"),
    Flow("flow_esc_press", "esc_fork", "press"),
    Flow("flow_esc_check", "esc_fork", "gw_esc_urgent"),
    Flow(
        "flow_esc_urgent",
        "gw_esc_urgent",
        "oversee",
        "紧急",
        'urgency in ("urgent", "critical")',
    ),
    Flow("flow_esc_normal", "gw_esc_urgent", "merge_esc", "其他"),
    Flow("flow_overseen", "oversee", "merge_esc"),
    Flow("flow_esc_office_done", "merge_esc", "esc_join"),
    Flow("flow_pressed", "press", "esc_join"),
    Flow("flow_esc_end", "esc_join", "esc_end"),
]

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
TAGS = {
    "start": "startEvent",
    "end": "endEvent",
    "user": "userTask",
    "script": "scriptTask",
    "rule": "businessRuleTask",
    "xor": "exclusiveGateway",
    "and": "parallelGateway",
    "call": "callActivity",
    "cycle": "intermediateCatchEvent",
}


@dataclass
class Pool:
    participant: str
    process: str
    name: str
    doc: str
    lanes: list
    nodes: list
    flows: list
    timers: list


POOLS = [
    Pool(
        "participant",
        "event_lifecycle",
        "交通运输事件监测处置",
        "监测 → 报送 → 分类转办 → 办理 → 反馈 → 办结 → 归档（SPEC §3，E1–E14）。"
        "《智慧交通运输精细化管理标准》第八篇第四节。",
        LANES,
        N,
        F,
        T,
    ),
    Pool(
        "participant_reply",
        "reply_cycle",
        "办理答复与审核（每轮一次，退件重报）",
        "一轮答复：办理答复、单位领导把关、重要事项报分管领导、中心审核要素与格式。E6、E8、E9、E10",
        REPLY_LANES,
        RN,
        RF,
        RT,
    ),
    Pool(
        "participant_escalation",
        "escalation",
        "超期催办与督办（电子监察）",
        "步骤超过时限（红灯）时：投诉受理岗催办；紧急事件另报局办公室督办。E7、E12",
        ESCALATION_LANES,
        EN,
        EF,
        ET,
    ),
]
POOL_GAP = 60


def lane_geometry():
    top, geo, pools = 40, {}, {}
    for pool in POOLS:
        start = top
        for lane_id, _, rows in pool.lanes:
            geo[lane_id] = (top, rows * ROW_H)
            top += rows * ROW_H
        pools[pool.participant] = (start, top - start)
        top += POOL_GAP
    return geo, pools


LANE_GEO, POOL_GEO = lane_geometry()
WIDTH = LANE_LABEL + int(max(n.col for n in N) + 2) * COL_W


def size(node):
    if node.kind in ("user", "script", "rule", "call"):
        return TASK_W, TASK_H
    if node.kind in ("xor", "and"):
        return GATEWAY, GATEWAY
    return EVENT, EVENT


def bounds(node):
    w, h = size(node)
    top, _ = LANE_GEO[node.lane]
    cx = LANE_X + LANE_LABEL + 60 + node.col * COL_W
    cy = top + node.row * ROW_H + TASK_H // 2 + 30
    return cx - w // 2, cy - h // 2, w, h


def center(node):
    x, y, w, h = bounds(node)
    return x + w // 2, y + h // 2


def waypoints(src, dst):
    (sx, sy), (tx, ty) = center(src), center(dst)
    s_x, s_y, s_w, s_h = bounds(src)
    t_x, t_y, t_w, t_h = bounds(dst)
    if tx > sx:  # forward: leave right (or top/bottom for a vertical move), enter left
        if sy == ty:
            return [(s_x + s_w, sy), (t_x, ty)]
        if dst.kind in ("xor", "and") and src.kind not in ("xor", "and"):
            return [(s_x + s_w, sy), (tx, sy), (tx, t_y + t_h if sy > ty else t_y)]
        start = (sx, s_y + s_h) if ty > sy else (sx, s_y)
        if src.kind in ("xor", "and"):
            return [start, (sx, ty), (t_x, ty)]
        return [(s_x + s_w, sy), (sx + s_w // 2 + 20, sy), (sx + s_w // 2 + 20, ty), (t_x, ty)]
    if tx == sx:  # straight down or up into the next lane
        return [(sx, s_y + s_h), (tx, t_y)] if ty > sy else [(sx, s_y), (tx, t_y + t_h)]
    # backward: go below both and come back up into the target's bottom
    low = max(s_y + s_h, t_y + t_h) + 18
    return [(sx, s_y + s_h), (sx, low), (tx, low), (tx, t_y + t_h)]


def documentation(text):
    return f"<bpmn:documentation>{escape(text)}</bpmn:documentation>" if text else ""


def properties(props):
    rows = "".join(
        f'<spiffworkflow:property name="{k}" value="{escape(v, {chr(34): "&quot;"})}" />'
        for k, v in props.items()
    )
    return f"<spiffworkflow:properties>{rows}</spiffworkflow:properties>"


def node_xml(node, incoming, outgoing):
    tag = TAGS[node.kind]
    attrs = f'id="{node.id}" name="{escape(node.name)}"'
    if node.default:
        attrs += f' default="{node.default}"'
    if node.kind == "script":
        attrs += ' scriptFormat="python"'
    if node.kind == "call":
        attrs += ' calledElement="reply_cycle"'
    ext = ""
    if node.kind in ("user", "end") and node.props:
        post = (
            f"<spiffworkflow:postScript>{escape(node.post)}</spiffworkflow:postScript>"
            if node.post
            else ""
        )
        ext = f"<bpmn:extensionElements>{properties(node.props)}{post}</bpmn:extensionElements>"
    if node.kind == "rule":
        ext = (
            "<bpmn:extensionElements><spiffworkflow:calledDecisionId>"
            f"{node.decision}</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
        )
    body = documentation(node.doc) + ext
    body += "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming)
    body += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing)
    if node.kind == "call":
        body += (
            "<bpmn:standardLoopCharacteristics>"
            "<bpmn:loopCondition>not reply_accepted</bpmn:loopCondition>"
            "</bpmn:standardLoopCharacteristics>"
        )
    if node.multi:
        inp, item, out, out_item = node.multi
        body += (
            "<bpmn:multiInstanceLoopCharacteristics>"
            f"<bpmn:loopDataInputRef>{inp}</bpmn:loopDataInputRef>"
            f"<bpmn:loopDataOutputRef>{out}</bpmn:loopDataOutputRef>"
            f'<bpmn:inputDataItem id="{item}" name="{item}" />'
            f'<bpmn:outputDataItem id="{out_item}" name="{out_item}" />'
            "</bpmn:multiInstanceLoopCharacteristics>"
        )
    if node.kind == "script":
        body += f"<bpmn:script>{escape(node.script)}</bpmn:script>"
    if node.kind == "cycle":  # a timeCycle: `script` holds its quoted expression
        body += (
            f'<bpmn:timerEventDefinition id="{node.id}_definition">'
            f"<bpmn:timeCycle>{escape(node.script)}</bpmn:timeCycle>"
            "</bpmn:timerEventDefinition>"
        )
    return f"<bpmn:{tag} {attrs}>{body}</bpmn:{tag}>"


def boundary_timer_xml(id, task, name, expression, doc, flow):
    return (
        f'<bpmn:boundaryEvent id="{id}" name="{escape(name)}" attachedToRef="{task}"'
        f' cancelActivity="false">{documentation(doc)}'
        f"<bpmn:outgoing>{flow}</bpmn:outgoing>"
        f'<bpmn:timerEventDefinition id="{id}_definition">'
        f"<bpmn:timeDate>{escape(expression)}</bpmn:timeDate>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )


def flow_xml(id, source, target):
    return f'<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}" />'


def timer_xml(t, task):
    """Yellow: a warning timer to a "黄灯" end. Red: the deadline timer to an escalation call."""
    warn_doc = (
        f"黄灯：已用去{task.name}时限的{int((t.warn_fraction or 0.8) * 100)}%（按工作时间计）。E12"
    )
    red_doc = f"红灯：{t.doc}"
    prescript = f'overdue_step = "{task.name}"\noverdue_element = "{task.id}"\nescalated_at = now()'
    yellow = [
        boundary_timer_xml(
            t.warn_id, t.task, "黄灯", t.warn_expression, warn_doc, f"{t.warn_id}_flow"
        ),
        f'<bpmn:endEvent id="{t.warn_id}_end" name="{escape(task.name)}黄灯">'
        f"{documentation(warn_doc)}<bpmn:incoming>{t.warn_id}_flow</bpmn:incoming></bpmn:endEvent>",
        flow_xml(f"{t.warn_id}_flow", t.warn_id, f"{t.warn_id}_end"),
        boundary_timer_xml(t.id, t.task, t.name, t.expression, red_doc, f"{t.id}_flow"),
    ]
    if not t.escalate:
        return [
            *yellow,
            f'<bpmn:endEvent id="{t.id}_end" name="{escape(t.end_name)}">'
            f"{documentation(red_doc)}<bpmn:incoming>{t.id}_flow</bpmn:incoming></bpmn:endEvent>",
            flow_xml(f"{t.id}_flow", t.id, f"{t.id}_end"),
        ]
    return [
        *yellow,
        f'<bpmn:callActivity id="{t.escalate_id}" name="超期催办" calledElement="escalation">'
        f"{documentation(red_doc)}<bpmn:extensionElements><spiffworkflow:preScript>"
        f"{escape(prescript)}</spiffworkflow:preScript></bpmn:extensionElements>"
        f"<bpmn:incoming>{t.id}_flow</bpmn:incoming>"
        f"<bpmn:outgoing>{t.id}_escalated</bpmn:outgoing></bpmn:callActivity>",
        f'<bpmn:endEvent id="{t.id}_end" name="{escape(t.end_name)}">'
        f"{documentation(red_doc)}<bpmn:incoming>{t.id}_escalated</bpmn:incoming></bpmn:endEvent>",
        flow_xml(f"{t.id}_flow", t.id, t.escalate_id),
        flow_xml(f"{t.id}_escalated", t.escalate_id, f"{t.id}_end"),
    ]


def process_xml(pool):
    nodes = {n.id: n for n in pool.nodes}
    incoming = {n.id: [] for n in pool.nodes}
    outgoing = {n.id: [] for n in pool.nodes}
    for f in pool.flows:
        outgoing[f.source].append(f.id)
        incoming[f.target].append(f.id)
    out = [
        f'<bpmn:process id="{pool.process}" name="{escape(pool.name)}" isExecutable="true">',
        documentation(pool.doc),
        f'<bpmn:laneSet id="{pool.process}_lanes">',
    ]
    for lane_id, name, _ in pool.lanes:
        refs = [n.id for n in pool.nodes if n.lane == lane_id]
        for t in pool.timers:
            if nodes[t.task].lane == lane_id:
                refs += [t.warn_id, f"{t.warn_id}_end", t.id, f"{t.id}_end"]
                refs += [t.escalate_id] if t.escalate else []
        out.append(
            f'<bpmn:lane id="{lane_id}" name="{escape(name)}">'
            + "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs)
            + "</bpmn:lane>"
        )
    out.append("</bpmn:laneSet>")
    out.extend(node_xml(n, incoming[n.id], outgoing[n.id]) for n in pool.nodes)
    for t in pool.timers:
        out.extend(timer_xml(t, nodes[t.task]))
    for f in pool.flows:
        name = f' name="{escape(f.name)}"' if f.name else ""
        cond = (
            f"<bpmn:conditionExpression>{escape(f.condition)}</bpmn:conditionExpression>"
            if f.condition
            else ""
        )
        out.append(
            f'<bpmn:sequenceFlow id="{f.id}"{name} sourceRef="{f.source}"'
            f' targetRef="{f.target}">{cond}</bpmn:sequenceFlow>'
        )
    out.append("</bpmn:process>")
    return out


def main():
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(
        "<bpmn:definitions "
        + " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
        + ' id="event_lifecycle_definitions" targetNamespace="https://jtflow.example/bpmn"'
        ' exporter="jtflow tools/draw_lifecycle.py" exporterVersion="2">'
    )
    out.append(
        '<bpmn:collaboration id="collaboration">'
        + "".join(
            f'<bpmn:participant id="{p.participant}" name="{escape(p.name)}"'
            f' processRef="{p.process}" />'
            for p in POOLS
        )
        + "</bpmn:collaboration>"
    )
    for pool in POOLS:
        out.extend(process_xml(pool))
    out.extend(diagram())
    out.append("</bpmn:definitions>")
    print("\n".join(out))


def shape(element_id, x, y, w, h, extra=""):
    return (
        f'<bpmndi:BPMNShape id="{element_id}_di" bpmnElement="{element_id}"{extra}>'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>'
    )


def edge(element_id, points):
    wps = "".join(f'<di:waypoint x="{x}" y="{y}" />' for x, y in points)
    return (
        f'<bpmndi:BPMNEdge id="{element_id}_di" bpmnElement="{element_id}">{wps}</bpmndi:BPMNEdge>'
    )


ESC_W, ESC_H = 76, 40  # the escalation call hangs small below its step


def timer_di(t, task):
    """Both timers sit on the task's lower edge; what they lead to hangs below the task."""
    x, y, w, h = bounds(task)
    wx, rx, by = x + 6, x + w - EVENT - 6, y + h - EVENT // 2
    wy_end = y + h + 30
    cx, cy = x + w - ESC_W + 10, y + h + 16
    ex, ey = cx + (ESC_W - EVENT) // 2, cy + ESC_H + 10
    yellow = [
        shape(t.warn_id, wx, by, EVENT, EVENT),
        shape(f"{t.warn_id}_end", wx - 4, wy_end, EVENT, EVENT),
        edge(f"{t.warn_id}_flow", [(wx + EVENT // 2, by + EVENT), (wx + EVENT // 2, wy_end)]),
        shape(t.id, rx, by, EVENT, EVENT),
    ]
    if not t.escalate:
        return [
            *yellow,
            shape(f"{t.id}_end", rx + 4, wy_end, EVENT, EVENT),
            edge(f"{t.id}_flow", [(rx + EVENT // 2, by + EVENT), (rx + EVENT // 2, wy_end)]),
        ]
    return [
        *yellow,
        shape(t.escalate_id, cx, cy, ESC_W, ESC_H),
        shape(f"{t.id}_end", ex, ey, EVENT, EVENT),
        edge(f"{t.id}_flow", [(rx + EVENT // 2, by + EVENT), (rx + EVENT // 2, cy)]),
        edge(f"{t.id}_escalated", [(ex + EVENT // 2, cy + ESC_H), (ex + EVENT // 2, ey)]),
    ]


def diagram():
    out = [
        '<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="collaboration">'
    ]
    for pool in POOLS:
        top, height = POOL_GEO[pool.participant]
        width = LANE_LABEL + int(max(n.col for n in pool.nodes) + 2) * COL_W
        out.append(shape(pool.participant, LANE_X, top, width, height, ' isHorizontal="true"'))
        for lane_id, _, _ in pool.lanes:
            lane_top, h = LANE_GEO[lane_id]
            out.append(
                shape(
                    lane_id,
                    LANE_X + LANE_LABEL,
                    lane_top,
                    width - LANE_LABEL,
                    h,
                    ' isHorizontal="true"',
                )
            )
        nodes = {n.id: n for n in pool.nodes}
        for n in pool.nodes:
            x, y, w, h = bounds(n)
            out.append(
                shape(n.id, x, y, w, h, ' isMarkerVisible="true"' if n.kind == "xor" else "")
            )
        for t in pool.timers:
            out.extend(timer_di(t, nodes[t.task]))
        for f in pool.flows:
            out.append(edge(f.id, waypoints(nodes[f.source], nodes[f.target])))
    out.append("</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")
    return out


if __name__ == "__main__":
    main()
