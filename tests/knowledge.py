"""Builders for knowledge base tests (O2): the process deployed, a policy change registered
by TRANSPORT_DEV's handler, a submission and the center's review, the quarterly schedule."""

from __future__ import annotations

from typing import Any

from engine import knowledge
from engine.config import PROJECT_ROOT
from engine.service import CaseRef, Jtflow
from tests.factories import step

UNIT_HANDLER = "transport_handler"  # TRANSPORT_DEV's 办理人
SEAT = "c_12328"  # the center's 投诉受理岗, who keeps the knowledge base
SUBMISSION = {
    "entry_id": 0,
    "title": "网约车驾驶员证申领条件",
    "category": "出租汽车",
    "question": "申请网约车驾驶员证需要什么条件？",
    "answer": "取得相应准驾车型驾驶证并具有 3 年以上驾驶经历，无交通肇事犯罪记录。",
    "basis": "厦门市网络预约出租汽车经营服务管理实施细则（2026 年修订）第十五条",
    "keywords": "网约车 驾驶员证",
}
ACCEPT = {"decision": "accept", "review_note": "格式和依据齐全，入库。"}
RETURN = {"decision": "return", "review_note": "请补充文号。"}
REVISED = {
    "units_consulted": "市运输事业发展中心、市公路事业发展中心",
    "entries_reviewed": 12,
    "summary": "修订网约车条目 2 条，废止过期条目 1 条。",
}
PRESS = {"press_method": "phone", "press_note": "已电话催办。"}


def deployed(jtflow: Jtflow) -> Jtflow:
    """The test template deploys only the lifecycle, whose definition ids others count on."""
    jtflow.deploy(PROJECT_ROOT / "processes" / "knowledge_revision.bpmn")
    return jtflow


def policy_change(
    jtflow: Jtflow, changed_at: str, *, reporter: str = UNIT_HANDLER, **form: Any
) -> CaseRef:
    deployed(jtflow)
    body = {
        "policy_title": "网约车管理实施细则修订",
        "changed_at": changed_at,
        "policy_note": "驾驶员证申领条件调整。",
        **form,
    }
    return knowledge.report_policy_change(jtflow, body, reporter=reporter)


def published(jtflow: Jtflow, case: CaseRef, **submission: Any) -> None:
    step(jtflow, case, "submit", {**SUBMISSION, **submission})
    step(jtflow, case, "review", ACCEPT)


def schedule(jtflow: Jtflow) -> str:
    return knowledge.start_schedule(deployed(jtflow), starter=SEAT)
