"""Draws processes/sharing_request.bpmn (SPEC §4, D3–D7) with the lifecycle's layout rules.

As with tools/draw_lifecycle.py, the .bpmn file is the source of truth that process
owners edit in bpmn-js; this script only produced its first layout. It reuses the
lifecycle drawer's element, timer and geometry helpers on lanes of its own:

    python tools/draw_sharing.py > processes/sharing_request.bpmn
"""

from __future__ import annotations

import draw_lifecycle as draw
from draw_lifecycle import COL_W, LANE_LABEL, LANE_X, ROW_H, Flow, Node, Pool, Timer, user

LANES = [  # id, name, rows
    ("sr_requester", "需求部门", 1),
    ("sr_provider", "提供部门", 2),
    ("sr_center", "监测中心·数据资源管理岗", 1),
    ("sr_leader", "局领导", 1),
]

N = [
    Node(
        "request",
        "start",
        "提交共享申请",
        "sr_requester",
        0,
        doc="需求部门从目录条目填写共享申请登记信息（共享范围、使用用途、数据项、服务方式），"
        "或对已获取的共享数据提出校核。D3、D4、D7",
    ),
    Node(
        "register",
        "script",
        "登记申请",
        "sr_requester",
        1,
        doc="平台登记申请并记下收到时间：答复时限自收到申请之日起算。D4",
        script="received_at = now()",
    ),
    Node(
        "gw_kind",
        "xor",
        "申请类型？",
        "sr_requester",
        2,
        default="flow_kind_share",
        doc="共享申请，或对已获取数据的校核申请。D3–D5、D7",
    ),
    Node(
        "gw_share_type",
        "xor",
        "共享类型？",
        "sr_requester",
        3,
        default="flow_conditional",
        doc="无条件共享即时获取；有条件共享由提供部门答复；不予共享须协商。D3、D4、D5",
    ),
    user(
        "reply",
        "提供部门答复",
        "sr_provider",
        4,
        "sharing_reply",
        "=provider_unit",
        "单位领导",
        "提供部门自收到申请之日起 10 个工作日内答复；拒绝共享的须说明理由。D4、E12",
        props={"records": '="share_refused" if not agree else None'},
    ),
    user(
        "center_review",
        "中心审核备案",
        "sr_center",
        5,
        "sharing_review",
        "CENTER",
        "数据资源管理岗",
        "监测中心根据审核情况办理，并对提供部门的答复备案。D4",
    ),
    Node(
        "gw_agreed",
        "xor",
        "同意共享？",
        "sr_center",
        6,
        default="flow_refused",
        doc="同意则按申请授权；拒绝则需求部门可提出协商。D4、D5",
    ),
    Node("merge_negotiate", "xor", "", "sr_requester", 7, doc="不予共享或拒绝共享：协商。D5"),
    user(
        "negotiate_request",
        "需求部门提出协商",
        "sr_requester",
        8,
        "sharing_negotiate_request",
        "=reporter_unit",
        "办理人",
        "因履行职责确需使用的，需求部门与提供部门协商；也可接受答复、不再申请。D5",
    ),
    Node(
        "gw_pursue",
        "xor",
        "提出协商？",
        "sr_requester",
        9,
        default="flow_withdraw",
        doc="需求部门接受答复则申请结束。D5",
    ),
    user(
        "negotiate_answer",
        "提供部门协商答复",
        "sr_provider",
        10,
        "sharing_negotiate_answer",
        "=provider_unit",
        "单位领导",
        "提供部门对需求部门的协商方案表态，记录协商结果。D5",
        props={"records": '="negotiation_failed" if not agreed else None'},
    ),
    Node(
        "gw_negotiated",
        "xor",
        "协商一致？",
        "sr_provider",
        11,
        default="flow_negotiation_failed",
        doc="协商不成的报局领导协调解决。D5",
    ),
    user(
        "coordinate",
        "局领导协调",
        "sr_leader",
        12,
        "sharing_coordinate",
        "BUREAU_LEADER",
        "分管领导",
        "协商不成的，由局领导协调解决，协调结果记录在案。D5",
    ),
    Node("merge_outcome", "xor", "", "sr_center", 13, doc="D5"),
    user(
        "file_outcome",
        "中心备案协商结果",
        "sr_center",
        14,
        "sharing_file_outcome",
        "CENTER",
        "数据资源管理岗",
        "监测中心对协商或协调的结果备案。D4、D5",
    ),
    Node(
        "gw_outcome",
        "xor",
        "结果为共享？",
        "sr_center",
        15,
        default="flow_outcome_refused",
        doc="协商一致或局领导协调同意共享的，予以授权。D5",
    ),
    Node("merge_grant", "xor", "", "sr_center", 16, doc="D4、D5、D6"),
    Node(
        "grant",
        "script",
        "授权共享",
        "sr_center",
        17,
        doc="授权按申请的用途、范围和服务方式记录，不得提供给第三方；用途或范围变更须重新申请。D6",
        script='decision = "granted"',
    ),
    Node(
        "end_granted",
        "end",
        "已授权",
        "sr_center",
        18,
        doc="D4、D5、D6",
        props={"case_status": "granted"},
    ),
    Node(
        "end_refused",
        "end",
        "不予共享",
        "sr_requester",
        18,
        doc="拒绝共享已备案，需求部门接受答复或协调结果为不共享。D4、D5",
        props={"case_status": "refused"},
    ),
    Node(
        "grant_at_once",
        "script",
        "登记即授权",
        "sr_requester",
        4.5,
        row=0,
        doc="无条件共享：需求部门填写申请登记信息后，通过共享平台即时获取。D3、D6",
        script='decision = "granted"',
    ),
    Node(
        "end_granted_at_once",
        "end",
        "已登记获取",
        "sr_requester",
        5.5,
        doc="D3",
        props={"case_status": "granted"},
    ),
    user(
        "check_data",
        "提供部门校核",
        "sr_provider",
        4,
        "sharing_check",
        "=provider_unit",
        "数据资源管理员",
        "需求部门对共享数据有疑义或发现明显错误的，提供部门及时校核；"
        "本系统定为自收到起 5 个工作日（标准只写“及时”）。D7、E12",
        row=1,
    ),
    Node(
        "gw_conflict",
        "xor",
        "多源异义？",
        "sr_provider",
        5,
        row=1,
        default="flow_no_conflict",
        doc="多源异义的信息资源须明确唯一来源。D7",
    ),
    user(
        "record_source",
        "目录登记唯一来源",
        "sr_center",
        7.5,
        "sharing_record_source",
        "CENTER",
        "数据资源管理岗",
        "提供部门协商明确的唯一来源登记到资源目录。D1、D7",
    ),
    Node("merge_checked", "xor", "", "sr_provider", 9, row=1, doc="D7"),
    Node(
        "end_checked",
        "end",
        "校核完成",
        "sr_provider",
        10,
        row=1,
        doc="D7",
        props={"case_status": "checked"},
    ),
]

F = [
    Flow("flow_request", "request", "register"),
    Flow("flow_registered", "register", "gw_kind"),
    Flow("flow_kind_check", "gw_kind", "check_data", "数据校核", 'kind == "check"'),
    Flow("flow_kind_share", "gw_kind", "gw_share_type", "共享申请"),
    Flow(
        "flow_unconditional",
        "gw_share_type",
        "grant_at_once",
        "无条件共享",
        'share_type == "unconditional"',
    ),
    Flow("flow_not_shared", "gw_share_type", "merge_negotiate", "不予共享", 'share_type == "none"'),
    Flow("flow_conditional", "gw_share_type", "reply", "有条件共享"),
    Flow("flow_granted_at_once", "grant_at_once", "end_granted_at_once"),
    Flow("flow_replied", "reply", "center_review"),
    Flow("flow_reviewed", "center_review", "gw_agreed"),
    Flow("flow_agreed", "gw_agreed", "merge_grant", "同意", "agree"),
    Flow("flow_refused", "gw_agreed", "merge_negotiate", "拒绝"),
    Flow("flow_to_negotiate", "merge_negotiate", "negotiate_request"),
    Flow("flow_negotiate_asked", "negotiate_request", "gw_pursue"),
    Flow("flow_pursue", "gw_pursue", "negotiate_answer", "协商", "pursue"),
    Flow("flow_withdraw", "gw_pursue", "end_refused", "接受答复"),
    Flow("flow_negotiate_answered", "negotiate_answer", "gw_negotiated"),
    Flow("flow_negotiated", "gw_negotiated", "merge_outcome", "协商一致", "agreed"),
    Flow("flow_negotiation_failed", "gw_negotiated", "coordinate", "协商不成"),
    Flow("flow_coordinated", "coordinate", "merge_outcome"),
    Flow("flow_to_file", "merge_outcome", "file_outcome"),
    Flow("flow_filed", "file_outcome", "gw_outcome"),
    Flow("flow_outcome_shared", "gw_outcome", "merge_grant", "共享", "agreed or share"),
    Flow("flow_outcome_refused", "gw_outcome", "end_refused", "不共享"),
    Flow("flow_to_grant", "merge_grant", "grant"),
    Flow("flow_granted", "grant", "end_granted"),
    Flow("flow_checked", "check_data", "gw_conflict"),
    Flow("flow_conflict", "gw_conflict", "record_source", "多源异义", 'finding == "conflict"'),
    Flow("flow_no_conflict", "gw_conflict", "merge_checked", "已校核"),
    Flow("flow_source_recorded", "record_source", "merge_checked"),
    Flow("flow_to_checked", "merge_checked", "end_checked"),
]

T = [
    Timer(
        "timer_reply",
        "reply",
        "add_working_days(received_at, 10)",
        "10个工作日",
        "答复超期",
        "答复时限：自收到申请之日起 10 个工作日。D4、E12",
        start="received_at",
    ),
    Timer(
        "timer_check_data",
        "check_data",
        "add_working_days(received_at, 5)",
        "5个工作日",
        "校核超期",
        "校核时限：自收到校核申请起 5 个工作日（本系统的取值，标准写“及时”）。D7、E12",
        start="received_at",
    ),
]

ESCALATION_LANES = [("sr_esc_center", "监测中心·数据资源管理岗（催办）", 1)]


def escalation(lane: str, form: str, press_doc: str) -> tuple[list, list, list]:
    """The called 催办 process of a data process: the center's 数据资源管理岗 presses the red
    step (a reminder closed with it), within 1 working day of the red light (E12)."""
    nodes = [
        Node("esc_start", "start", "步骤超期", lane, 0, doc="被监察的步骤超过时限（红灯）。E12"),
        user(
            "press",
            "催办",
            lane,
            1,
            form,
            "CENTER",
            "数据资源管理岗",
            press_doc,
            props={"records_opened": "escalated", "reminder": "true"},
        ),
        Node("esc_end", "end", "已催办", lane, 2, doc="E12"),
    ]
    flows = [
        Flow("flow_esc_start", "esc_start", "press"),
        Flow("flow_esc_end", "press", "esc_end"),
    ]
    timers = [
        Timer(
            "timer_press",
            "press",
            "add_working_days(escalated_at, 1)",
            "1个工作日",
            "催办超期",
            "催办时限：自红灯起 1 个工作日（本系统的取值，待局确认）。E12",
            start="escalated_at",
            escalate=False,
        )
    ]
    return nodes, flows, timers


EN, EF, ET = escalation(
    "sr_esc_center",
    "sharing_press",
    "红灯：监测中心向提供部门催办超期步骤（overdue_step），记录催办方式与情况；"
    "被催办的步骤办结时本催办随之结束（历史保留）。D4、E12",
)

POOLS = [
    Pool(
        "participant_sharing",
        "sharing_request",
        "交通信息资源共享申请",
        "目录检索 → 申请登记 → 无条件共享即时获取 / 有条件共享提供部门 10 个工作日内答复、"
        "中心审核备案 / 不予共享或拒绝共享协商、局领导协调 → 授权；数据校核（SPEC §4，D3–D7）。"
        "《智慧交通运输精细化管理标准》第八篇第三节 4。",
        LANES,
        N,
        F,
        T,
    ),
    Pool(
        "participant_sharing_escalation",
        "escalation",
        "超期催办（电子监察）",
        "共享答复或校核超过时限（红灯）时，监测中心催办。D4、D7、E12",
        ESCALATION_LANES,
        EN,
        EF,
        ET,
    ),
]


def lane_geometry(pools: list[Pool]) -> tuple[dict, dict]:
    top, geo, geometry = 40, {}, {}
    for pool in pools:
        start = top
        for lane_id, _, rows in pool.lanes:
            geo[lane_id] = (top, rows * ROW_H)
            top += rows * ROW_H
        geometry[pool.participant] = (start, top - start)
        top += draw.POOL_GAP
    return geo, geometry


def diagram(pools: list[Pool]) -> list[str]:
    lane_geo, pool_geo = lane_geometry(pools)
    draw.LANE_GEO.update(lane_geo)  # the lifecycle drawer's bounds() reads its lanes from here
    width = LANE_LABEL + int(max(n.col for n in pools[0].nodes) + 2) * COL_W
    out = [
        '<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="collaboration">'
    ]
    for pool in pools:
        top, height = pool_geo[pool.participant]
        out.append(draw.shape(pool.participant, LANE_X, top, width, height, ' isHorizontal="true"'))
        for lane_id, _, _ in pool.lanes:
            lane_top, h = lane_geo[lane_id]
            attrs = ' isHorizontal="true"'
            out.append(
                draw.shape(lane_id, LANE_X + LANE_LABEL, lane_top, width - LANE_LABEL, h, attrs)
            )
        nodes = {n.id: n for n in pool.nodes}
        for n in pool.nodes:
            x, y, w, h = draw.bounds(n)
            marker = ' isMarkerVisible="true"' if n.kind == "xor" else ""
            out.append(draw.shape(n.id, x, y, w, h, marker))
        for t in pool.timers:
            out.extend(draw.timer_di(t, nodes[t.task]))
        for f in pool.flows:
            out.append(draw.edge(f.id, draw.waypoints(nodes[f.source], nodes[f.target])))
    out.append("</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")
    return out


def document(pools: list[Pool], process: str, tool: str) -> str:
    """The whole .bpmn file of `pools` (the first is the main process), laid out on lanes."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(
        "<bpmn:definitions "
        + " ".join(f'xmlns:{k}="{v}"' for k, v in draw.NS.items())
        + f' id="{process}_definitions" targetNamespace="https://jtflow.example/bpmn"'
        f' exporter="jtflow tools/{tool}" exporterVersion="1">'
    )
    out.append(
        '<bpmn:collaboration id="collaboration">'
        + "".join(
            f'<bpmn:participant id="{p.participant}" name="{draw.escape(p.name)}"'
            f' processRef="{p.process}" />'
            for p in pools
        )
        + "</bpmn:collaboration>"
    )
    for pool in pools:
        out.extend(draw.process_xml(pool))
    out.extend(diagram(pools))
    out.append("</bpmn:definitions>")
    return "\n".join(out)


if __name__ == "__main__":
    print(document(POOLS, "sharing_request", "draw_sharing.py"))
