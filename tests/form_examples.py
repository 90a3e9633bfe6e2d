"""One valid payload per form in forms/, for tests and builders that need a good answer.

Copy before changing: ``{**VALID["classify"], "decision": "return"}``.
"""

from __future__ import annotations

from typing import Any

VALID: dict[str, dict[str, Any]] = {
    "classify": {
        "decision": "transfer",
        "lead_unit": "BUS_GROUP",
        "co_units": ["TRANSPORT_DEV"],
        "fallback_unit": "TRANSPORT_DEV",
        "coordination": "none",
        "note": "涉及站台附属设施，请运输事业发展中心协办。",
    },
    "remit_decision": {
        "in_remit": True,
        "opinion": "属于交通运输职责范围，请中心转办。",
        "basis": "《智慧交通运输精细化管理标准》第八篇",
    },
    "sign_for": {"accept": True},
    "retransfer": {"new_unit": "HIGHWAY_DEV", "note": "经协调由公路中心承办。"},
    "co_handle": {"opinion": "已配合牵头单位完成现场处置。"},
    "handle_reply": {
        "verification": "经现场核实，候车亭顶棚破损漏水属实。",
        "disposal": "已安排维修人员更换顶棚板，恢复正常使用。",
        "important": False,
        "contact": "张工 0592-1234567",
    },
    "leader_approve": {"approved": True},
    "deputy_approve": {"approved": False, "opinion": "处置情况不够具体，请补充。"},
    "center_audit": {"accepted": True},
    "supervise": {"instruction": "请承办单位立即处置，1 小时内电话报告。"},
    "coordinate": {"coordination_opinion": "由牵头单位负责现场处置，协办单位配合。"},
    "press": {"press_method": "phone", "press_note": "已电话催办，承办单位承诺当日办结。"},
    "oversee": {"oversee_instruction": "请承办单位立即办理并报告超期原因。"},
    "phone_report": {"reported_to": "局办公室值班员李某", "summary": "现场已管控，正在抢修。"},
    "written_report": {"result": "已处置完毕，恢复正常通行。"},
    "office_review": {"approved": True},
    "patrol_handle": {"disposal": "巡检发现护栏松动，已当场紧固。", "major": False},
    "answer_platform": {"answer": "事件已办结，处置结果已反馈平台。"},
    "revisit": {"reached": True, "satisfaction": "basically_satisfied", "note": "投诉人表示认可。"},
    "archive": {"complete": True},
    # the market application (M1–M5)
    "market_application": {
        "organisation": "厦门大学交通研究中心",
        "credit_code": "12350000426600329X",
        "resource_id": 1,
        "purpose": "congestion_research",
        "purpose_detail": "分析岛内早高峰公交运行速度与拥堵成因。",
        "scope": "厦门岛内公交线路，仅限本中心研究使用",
        "data_items": ["车辆编号", "实时位置"],
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "by_agent": False,
    },
    "check_application": {"decision": "accept"},
    "supplement_application": {"supplement_note": "已补充加盖公章的数据使用申请书。"},
    "provider_review": {
        "approved": True,
        "opinion": "同意按申请的数据项提供，限于拥堵治理研究。",
        "reason": "用途符合规定，数据已脱敏，经本单位保密审查。",
    },
    "record_refusal": {"notice": "提供部门不同意提供，理由已告知申请人。"},
    "register_real_name": {
        "contact_name": "李研究",
        "contact_phone": "0592-2180000",
        "channel": "secure_channel",
        "accepts_terms": True,
    },
    "grant_access": {"service_mode": "download", "note": "已开通文件下载，授权至使用周期结束。"},
    "submit_usage_report": {
        "report_kind": "research",
        "summary": "完成厦门岛内早高峰拥堵成因分析，报告已提交。",
    },
    "review_usage_report": {"received": True},
    "report_event": {
        "channel": "hotline_12328",
        "urgency": "normal",
        "title": "火车站公交场站候车亭顶棚漏水",
        "description": "市民来电反映火车站公交场站候车亭顶棚破损，雨天漏水。",
        "location": "厦门市思明区火车站公交场站",
        "facility": {"type": "bus_station", "name": "火车站公交场站"},
        "discovered_at": "2026-11-24T09:00:00+08:00",
    },
    "sharing_request": {
        "purpose": "公交线网优化分析",
        "scope": "2026 年思明区公交线路",
        "data_items": ["线路编号", "站点", "到站时间"],
        "service_mode": "download",
    },
    "sharing_reply": {"agree": False, "reason": "涉及乘客个人信息，须脱敏后方可提供。"},
    "sharing_review": {"review_opinion": "答复要素齐全，予以备案。"},
    "sharing_negotiate_request": {
        "pursue": True,
        "need": "线网优化须使用到站数据。",
        "proposal": "只提供脱敏后的线路级汇总数据。",
    },
    "sharing_negotiate_answer": {"agreed": False, "outcome": "对脱敏方式未能达成一致。"},
    "sharing_coordinate": {"share": True, "coordination": "按线路级汇总、脱敏后共享。"},
    "sharing_file_outcome": {"filing_note": "局领导协调结果已备案。"},
    "sharing_check": {
        "finding": "conflict",
        "explanation": "两个系统的站点坐标不一致。",
        "authoritative_source": "公交智能调度系统",
    },
    "sharing_record_source": {"source_note": "唯一来源已登记到资源目录。"},
    "sharing_press": {"press_method": "phone", "press_note": "已电话催办提供部门。"},
    # interface notices (O1, O3)
    "interface_notice": {
        "kind": "upgrade",
        "interface_name": "公交车辆实时位置推送接口",
        "resource_ids": [1],
        "description": "调度系统升级，接口暂停推送。",
        "stop_at": "2026-10-12T20:00:00+08:00",
        "planned_resume": "2026-10-13T06:00:00+08:00",
    },
    "notice_receive": {"receipt_note": "已登记，已告知共享使用方。"},
    "notice_restore": {
        "restore_note": "升级完成，接口已恢复推送。",
        "data_missing": True,
        "missing_note": "10 月 12 日 20:00 至 24:00 的车辆位置。",
    },
    "notice_confirm_restore": {"confirmed": True, "confirm_note": "平台已收到实时数据。"},
    "notice_backfill": {"backfill_note": "已补传 4 小时车辆位置，共 120 万条。"},
    "notice_confirm_backfill": {"complete": True, "check_note": "条数与时段核对无误。"},
}
