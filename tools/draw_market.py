"""Draws processes/market_application.bpmn (SPEC §4 M1–M5, 第三节5) with a tidy layout.

As with tools/draw_lifecycle.py, the .bpmn file is the source of truth that process owners
edit in bpmn-js; this script only produced its first layout. Re-run it only to re-lay the
whole diagram:

    python tools/draw_market.py > processes/market_application.bpmn
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from draw_lifecycle import (  # the lifecycle's grid, XML pieces and element kinds
    COL_W,
    EVENT,
    GATEWAY,
    LANE_LABEL,
    LANE_X,
    NS,
    TAGS,
    TASK_H,
    TASK_W,
    Flow,
    Pool,
    documentation,
    edge,
    flow_xml,
    properties,
    shape,
)

ROW_H = 200
CENTER_ROLE = "数据资源管理岗"  # the center's data resources post handles applications
PROVIDER_ROLE = "数据资源管理员"  # each providing unit's data administrator (O5)
APPLICANT = "外部申请人"


@dataclass
class Node:
    id: str
    kind: str  # start, end, user, script, xor, call
    name: str
    lane: str
    col: float
    doc: str = ""
    props: dict[str, str] = field(default_factory=dict)
    script: str = ""
    default: str = ""


@dataclass
class Timer:
    """A watched step: its red deadline, its yellow warning and its 催办 (E12)."""

    task: str
    due: str  # the deadline expression
    start: str  # where the allowed time starts, for the yellow light
    name: str
    doc: str


def user(id, name, lane, col, form, unit, role, doc, **props):
    return Node(
        id,
        "user",
        name,
        lane,
        col,
        doc,
        {"formJsonSchemaFilename": f"{form}.json", "unit": unit, "role": role, **props},
    )


LANES = [
    ("lane_applicant", "外部申请人（高等院校、科研院所、企业）"),
    ("lane_center", "监测中心·数据资源管理岗"),
    ("lane_provider", "提供部门（数据资源管理员）"),
]

GRANT = (
    '={"resource_id": resource_id, "grantee": reporter, "purpose": purpose, '
    '"scope": scope, "service_mode": service_mode, "data_items": data_items, '
    '"valid_until": period_end}'
)

N = [
    Node(
        "apply",
        "start",
        "提交申请",
        "lane_applicant",
        0,
        "外部申请人向监测中心提出申请，附数据使用申请书（数据项、用途、使用周期）、数据保密承诺书、"
        "统一社会信用代码复印件、法定代表人身份证复印件（或代理人身份证及授权委托书），"
        "用途须属研究交通运输行业和拥堵治理或出行、诱导、停车信息服务。M1、M2",
    ),
    Node(
        "prepare",
        "script",
        "登记申请",
        "lane_center",
        1,
        "登记申请，审查时限自收到起算。M1、E12",
        script="supplement_count = 0\ncheck_from = now()",
    ),
    Node("merge_check", "xor", "", "lane_center", 2, "补正后重新审查。M1"),
    user(
        "check_application",
        "审查申请材料",
        "lane_center",
        3,
        "check_application",
        "CENTER",
        CENTER_ROLE,
        "监测中心审查四项材料是否齐全、用途是否符合规定；材料不全退回补正，用途不符不予受理。M1、M2",
        records='="returned" if decision == "supplement" else None',
    ),
    Node("gw_check", "xor", "审查结果？", "lane_center", 4, "M1、M2", default="flow_accepted"),
    user(
        "supplement",
        "补正材料",
        "lane_applicant",
        4,
        "supplement_application",
        "EXTERNAL",
        APPLICANT,
        "申请人按中心意见补正材料后重新提交审查。M1",
        assignee="=reporter",
    ),
    Node(
        "record_supplement",
        "script",
        "记录补正",
        "lane_applicant",
        5,
        "补正次数计数；审查时限自补正起重新计算。M1、E12",
        script="supplement_count = supplement_count + 1\ncheck_from = now()",
    ),
    Node(
        "end_not_accepted",
        "end",
        "不予受理",
        "lane_center",
        5,
        "用途不符合规定或材料不实，不予受理并说明理由。M2",
        props={"case_status": "refused"},
    ),
    Node(
        "forward",
        "script",
        "按共享类型办理",
        "lane_center",
        5,
        "受理：按资源的共享类型办理；有条件共享的答复时限自提供部门收到申请起算。M3",
        script="forwarded_at = now()",
    ),
    Node(
        "gw_share",
        "xor",
        "共享类型？",
        "lane_center",
        6,
        "无条件共享：实名登记后获取；有条件共享：提供部门评审；不予共享或暂不宜市场化应用：不提供。M3",
        default="flow_withheld",
    ),
    Node(
        "withhold",
        "script",
        "不予提供",
        "lane_center",
        7,
        "不予共享类、暂时无法明确能否市场化应用的资源，暂不对政务部门以外单位提供。M3",
        script='refusal_reason = "该资源属不予共享或暂不宜市场化应用类，暂不对政务部门以外单位提供"',
    ),
    Node(
        "end_withheld",
        "end",
        "不予提供",
        "lane_center",
        8,
        "M3",
        props={"case_status": "refused"},
    ),
    user(
        "provider_review",
        "提供部门评审",
        "lane_provider",
        7,
        "provider_review",
        "=provider_unit",
        PROVIDER_ROLE,
        "有条件共享：提供部门自收到申请之日起 10 个工作日内答复，提出评审意见及理由。M3、E12",
    ),
    Node(
        "record_opinion",
        "script",
        "记录评审意见",
        "lane_provider",
        8,
        "提供部门的答复时刻：中心备案时限自此起算。M3、E12",
        script="decided_at = now()",
    ),
    Node("gw_opinion", "xor", "评审意见？", "lane_provider", 9, "M3", default="flow_approved"),
    user(
        "record_refusal",
        "备案并告知",
        "lane_center",
        10,
        "record_refusal",
        "CENTER",
        CENTER_ROLE,
        "提供部门拒绝的，监测中心备案并将理由告知申请人。M3",
    ),
    Node(
        "end_refused", "end", "不予提供", "lane_center", 11, "M3", props={"case_status": "refused"}
    ),
    user(
        "register_real_name",
        "实名登记",
        "lane_applicant",
        7,
        "register_real_name",
        "EXTERNAL",
        APPLICANT,
        "无条件共享：申请单位办理信息共享实名登记，通过安全渠道或介质获取。M3",
        assignee="=reporter",
    ),
    Node("merge_grant", "xor", "", "lane_applicant", 10, "M3"),
    Node(
        "ready_grant",
        "script",
        "准备授权",
        "lane_applicant",
        11,
        "授权时限自实名登记或评审同意起算。E12",
        script="grant_from = now()",
    ),
    user(
        "grant_access",
        "办理授权并备案",
        "lane_center",
        12,
        "grant_access",
        "CENTER",
        CENTER_ROLE,
        "监测中心按审核情况办理授权并备案：授权限于所申请的用途、范围和使用周期；"
        "用途或范围不变可重复使用，变化须重新申请核准。M3、M4",
        grant=GRANT,
    ),
    Node(
        "granted",
        "script",
        "开始使用",
        "lane_center",
        13,
        "成果提交时限：使用周期结束时，至少为授权后 10 个工作日。M5",
        script="granted_at = now()\nreport_floor = add_working_days(granted_at, 10)\n"
        "report_due = period_end if period_end > report_floor else report_floor",
    ),
    user(
        "submit_usage_report",
        "提交研究成果或应用情况",
        "lane_applicant",
        14,
        "submit_usage_report",
        "EXTERNAL",
        APPLICANT,
        "申请单位获取数据后，向监测中心无偿提交研究成果或应用情况。M5、E12",
        assignee="=reporter",
    ),
    Node(
        "record_report",
        "script",
        "记录提交",
        "lane_applicant",
        15,
        "成果提交时刻：中心接收备案时限自此起算。M5、E12",
        script="reported_at = now()",
    ),
    user(
        "review_usage_report",
        "接收成果备案",
        "lane_center",
        16,
        "review_usage_report",
        "CENTER",
        CENTER_ROLE,
        "监测中心接收研究成果或应用情况并备案。M5、E12",
    ),
    Node(
        "end_completed",
        "end",
        "办结",
        "lane_center",
        17,
        "M5",
        props={"case_status": "completed"},
    ),
]

F = [
    Flow("flow_apply", "apply", "prepare"),
    Flow("flow_prepared", "prepare", "merge_check"),
    Flow("flow_to_check", "merge_check", "check_application"),
    Flow("flow_checked", "check_application", "gw_check"),
    Flow("flow_supplement", "gw_check", "supplement", "退回补正", 'decision == "supplement"'),
    Flow("flow_supplemented", "supplement", "record_supplement"),
    Flow("flow_recheck", "record_supplement", "merge_check"),
    Flow("flow_not_accepted", "gw_check", "end_not_accepted", "不予受理", 'decision == "refuse"'),
    Flow("flow_accepted", "gw_check", "forward", "受理"),
    Flow("flow_forwarded", "forward", "gw_share"),
    Flow(
        "flow_unconditional",
        "gw_share",
        "register_real_name",
        "无条件共享",
        'share_type == "unconditional"',
    ),
    Flow(
        "flow_conditional",
        "gw_share",
        "provider_review",
        "有条件共享",
        'share_type == "conditional"',
    ),
    Flow("flow_withheld", "gw_share", "withhold", "不予共享"),
    Flow("flow_withheld_end", "withhold", "end_withheld"),
    Flow("flow_reviewed", "provider_review", "record_opinion"),
    Flow("flow_opinion", "record_opinion", "gw_opinion"),
    Flow("flow_approved", "gw_opinion", "merge_grant", "同意"),
    Flow("flow_rejected", "gw_opinion", "record_refusal", "不同意", "not approved"),
    Flow("flow_refusal_recorded", "record_refusal", "end_refused"),
    Flow("flow_registered", "register_real_name", "merge_grant"),
    Flow("flow_to_grant", "merge_grant", "ready_grant"),
    Flow("flow_ready", "ready_grant", "grant_access"),
    Flow("flow_granted", "grant_access", "granted"),
    Flow("flow_to_report", "granted", "submit_usage_report"),
    Flow("flow_reported", "submit_usage_report", "record_report"),
    Flow("flow_report_recorded", "record_report", "review_usage_report"),
    Flow("flow_done", "review_usage_report", "end_completed"),
]

T = [
    Timer(
        "check_application",
        "add_working_days(check_from, 5)",
        "check_from",
        "5个工作日",
        "审查时限：自收到或补正起 5 个工作日（标准未规定，暂定，由中心确认）。E12",
    ),
    Timer(
        "provider_review",
        "add_working_days(forwarded_at, 10)",
        "forwarded_at",
        "10个工作日",
        "答复时限：提供部门自收到申请之日起 10 个工作日。M3、E12",
    ),
    Timer(
        "record_refusal",
        "add_working_days(decided_at, 5)",
        "decided_at",
        "5个工作日",
        "备案时限：自提供部门答复起 5 个工作日（暂定）。E12",
    ),
    Timer(
        "grant_access",
        "add_working_days(grant_from, 5)",
        "grant_from",
        "5个工作日",
        "授权时限：自实名登记或评审同意起 5 个工作日（暂定）。E12",
    ),
    Timer(
        "submit_usage_report",
        "report_due",
        "granted_at",
        "使用周期结束",
        "成果提交时限：使用周期结束时（至少授权后 10 个工作日）。M5、E12",
    ),
    Timer(
        "review_usage_report",
        "add_working_days(reported_at, 5)",
        "reported_at",
        "5个工作日",
        "接收备案时限：自提交起 5 个工作日（暂定）。M5、E12",
    ),
]


ESC_LANES = [("esc_center", "监测中心·数据资源管理岗（催办）")]
EN = [
    Node("esc_start", "start", "步骤超期", "esc_center", 0, "被监察的步骤超过时限（红灯）。E12"),
    user(
        "press",
        "催办",
        "esc_center",
        1,
        "press",
        "CENTER",
        CENTER_ROLE,
        "红灯：监测中心向超期步骤的承办方（提供部门或申请人）催办，记录催办方式与情况；"
        "被催办的步骤办结时本催办随之结束（历史保留）。E12、M3、M5",
        records_opened="escalated",
        reminder="true",
    ),
    Node("esc_end", "end", "已催办", "esc_center", 2, "E12"),
]
EF = [Flow("flow_esc_start", "esc_start", "press"), Flow("flow_esc_end", "press", "esc_end")]


POOLS = [
    Pool(
        "participant",
        "market_application",
        "交通运输信息市场应用申请",
        "高等院校、科研院所等政务部门以外单位申请使用交通信息资源：提交材料 → 中心审查 → "
        "按共享类型实名登记或提供部门评审 → 授权备案 → 提交研究成果（SPEC §4 M1–M5）。"
        "《智慧交通运输精细化管理标准》第八篇第三节 5。",
        LANES,
        N,
        F,
        T,
    ),
    Pool(
        "participant_escalation",
        "escalation",
        "超期催办（电子监察）",
        "步骤超过时限（红灯）时：监测中心催办。E12",
        ESC_LANES,
        EN,
        EF,
        [],
    ),
]


def lane_geometry():
    top, geo, pools = 40, {}, {}
    for pool in POOLS:
        start = top
        for lane_id, _ in pool.lanes:
            geo[lane_id] = top
            top += ROW_H
        pools[pool.participant] = (start, top - start)
        top += 60
    return geo, pools


LANE_TOP, POOL_GEO = lane_geometry()


def size(node):
    if node.kind in ("user", "script", "call"):
        return TASK_W, TASK_H
    if node.kind == "xor":
        return GATEWAY, GATEWAY
    return EVENT, EVENT


def bounds(node):
    w, h = size(node)
    cx = LANE_X + LANE_LABEL + 60 + int(node.col * COL_W)
    cy = LANE_TOP[node.lane] + TASK_H // 2 + 30
    return cx - w // 2, cy - h // 2, w, h


def center(node):
    x, y, w, h = bounds(node)
    return x + w // 2, y + h // 2


def waypoints(src, dst):
    (sx, sy), (tx, ty) = center(src), center(dst)
    s_x, s_y, s_w, s_h = bounds(src)
    t_x, t_y, t_w, t_h = bounds(dst)
    if tx > sx:
        if sy == ty:
            return [(s_x + s_w, sy), (t_x, ty)]
        start = (sx, s_y + s_h) if ty > sy else (sx, s_y)
        return [start, (sx, ty), (t_x, ty)]
    if tx == sx:
        return [(sx, s_y + s_h if ty > sy else s_y), (tx, t_y if ty > sy else t_y + t_h)]
    low = max(s_y + s_h, t_y + t_h) + 60  # back: below both (under the timers' escalations)
    return [(sx, s_y + s_h), (sx, low), (tx, low), (tx, t_y + t_h)]


def node_xml(node, incoming, outgoing):
    tag = TAGS[node.kind]
    attrs = f'id="{node.id}" name="{escape(node.name)}"'
    if node.default:
        attrs += f' default="{node.default}"'
    if node.kind == "script":
        attrs += ' scriptFormat="python"'
    ext = ""
    if node.props:
        ext = f"<bpmn:extensionElements>{properties(node.props)}</bpmn:extensionElements>"
    body = documentation(node.doc) + ext
    body += "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming)
    body += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing)
    if node.kind == "script":
        body += f"<bpmn:script>{escape(node.script)}</bpmn:script>"
    return f"<bpmn:{tag} {attrs}>{body}</bpmn:{tag}>"


def boundary(id, task, name, expression, doc, flow):
    return (
        f'<bpmn:boundaryEvent id="{id}" name="{escape(name)}" attachedToRef="{task}"'
        f' cancelActivity="false">{documentation(doc)}'
        f"<bpmn:outgoing>{flow}</bpmn:outgoing>"
        f'<bpmn:timerEventDefinition id="{id}_definition">'
        f"<bpmn:timeDate>{escape(expression)}</bpmn:timeDate>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )


def timer_ids(t):
    return f"warn_{t.task}", f"timer_{t.task}", f"escalate_{t.task}"


def timer_xml(t, task):
    warn, red, esc = timer_ids(t)
    warn_doc = f"黄灯：已用去{task.name}时限的80%（按工作时间计）。E12"
    red_doc = f"红灯：{t.doc}"
    prescript = f'overdue_step = "{task.name}"\noverdue_element = "{task.id}"'
    return [
        boundary(warn, t.task, "黄灯", f"warn_at({t.start}, {t.due})", warn_doc, f"{warn}_flow"),
        f'<bpmn:endEvent id="{warn}_end" name="{escape(task.name)}黄灯">'
        f"{documentation(warn_doc)}<bpmn:incoming>{warn}_flow</bpmn:incoming></bpmn:endEvent>",
        flow_xml(f"{warn}_flow", warn, f"{warn}_end"),
        boundary(red, t.task, t.name, t.due, red_doc, f"{red}_flow"),
        f'<bpmn:callActivity id="{esc}" name="超期催办" calledElement="escalation">'
        f"{documentation(red_doc)}<bpmn:extensionElements><spiffworkflow:preScript>"
        f"{escape(prescript)}</spiffworkflow:preScript></bpmn:extensionElements>"
        f"<bpmn:incoming>{red}_flow</bpmn:incoming>"
        f"<bpmn:outgoing>{red}_escalated</bpmn:outgoing></bpmn:callActivity>",
        f'<bpmn:endEvent id="{red}_end" name="{escape(task.name)}超期">'
        f"{documentation(red_doc)}<bpmn:incoming>{red}_escalated</bpmn:incoming></bpmn:endEvent>",
        flow_xml(f"{red}_flow", red, esc),
        flow_xml(f"{red}_escalated", esc, f"{red}_end"),
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
    for lane_id, name in pool.lanes:
        refs = [n.id for n in pool.nodes if n.lane == lane_id]
        for t in pool.timers:
            if nodes[t.task].lane == lane_id:
                warn, red, esc = timer_ids(t)
                refs += [warn, f"{warn}_end", red, esc, f"{red}_end"]
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


ESC_W, ESC_H = 76, 40


def timer_di(t, task):
    warn, red, esc = timer_ids(t)
    x, y, w, h = bounds(task)
    wx, rx, by = x + 6, x + w - EVENT - 6, y + h - EVENT // 2
    wy_end = y + h + 30
    cx, cy = x + w - ESC_W + 10, y + h + 16
    ex, ey = cx + (ESC_W - EVENT) // 2, cy + ESC_H + 6
    return [
        shape(warn, wx, by, EVENT, EVENT),
        shape(f"{warn}_end", wx - 4, wy_end, EVENT, EVENT),
        edge(f"{warn}_flow", [(wx + EVENT // 2, by + EVENT), (wx + EVENT // 2, wy_end)]),
        shape(red, rx, by, EVENT, EVENT),
        shape(esc, cx, cy, ESC_W, ESC_H),
        shape(f"{red}_end", ex, ey, EVENT, EVENT),
        edge(f"{red}_flow", [(rx + EVENT // 2, by + EVENT), (rx + EVENT // 2, cy)]),
        edge(f"{red}_escalated", [(ex + EVENT // 2, cy + ESC_H), (ex + EVENT // 2, ey)]),
    ]


def diagram():
    out = [
        '<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="collaboration">'
    ]
    for pool in POOLS:
        top, height = POOL_GEO[pool.participant]
        width = LANE_LABEL + int(max(n.col for n in pool.nodes) + 2) * COL_W
        out.append(shape(pool.participant, LANE_X, top, width, height, ' isHorizontal="true"'))
        for lane_id, _ in pool.lanes:
            out.append(
                shape(
                    lane_id,
                    LANE_X + LANE_LABEL,
                    LANE_TOP[lane_id],
                    width - LANE_LABEL,
                    ROW_H,
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


def main():
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(
        "<bpmn:definitions "
        + " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
        + ' id="market_application_definitions" targetNamespace="https://jtflow.example/bpmn"'
        ' exporter="jtflow tools/draw_market.py" exporterVersion="1">'
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


if __name__ == "__main__":
    main()
