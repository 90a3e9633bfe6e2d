"""`jtflow demo`'s market applications (M1–M5): three external applicants — a university, an
institute and a company — and their applications at every stage of the process: just
applied, returned for supplement, at the provider (one overdue and pressed), refused,
withheld, granted with the usage report due, a report overdue and pressed, and done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from .config import Settings, attachment_store
from .data.market_rules import market_share_type
from .market import apply
from .models import Resource, Task
from .record.attachments import AttachmentStore, upload
from .service import Jtflow
from .time.clock import SHANGHAI

MARKET_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("xmu_lab", "李研究（厦门大学交通研究中心）", "EXTERNAL", ("外部申请人",)),
    ("its_institute", "陈工（某交通科学研究院）", "EXTERNAL", ("外部申请人",)),
    ("mapco", "王经理（某出行科技有限公司）", "EXTERNAL", ("外部申请人",)),
)
ORGANISATIONS = {
    "xmu_lab": ("厦门大学交通研究中心", "12350000426600329X"),
    "its_institute": ("某交通科学研究院", "12350200MB0123456K"),
    "mapco": ("某出行科技有限公司", "91350200MA2Y12345Q"),
}
# Small real files of each type (their magic numbers are what the store checks).
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
DOCUMENTS = (
    ("application_letter", "数据使用申请书.pdf", PDF),
    ("confidentiality", "数据保密承诺书.pdf", PDF),
    ("credit_code", "统一社会信用代码.png", PNG),
    ("legal_rep_id", "法定代表人身份证.jpg", JPEG),
)
# (applicant, share type wanted, steps worked, period of use in days, applied days ago)
STORIES: tuple[tuple[str, str, tuple[str, ...], int, int], ...] = (
    ("xmu_lab", "unconditional", (), 180, 1),
    ("mapco", "unconditional", ("check_application:supplement",), 90, 3),
    ("its_institute", "conditional", ("check_application",), 120, 18),
    ("its_institute", "conditional", ("check_application",), 120, 14),
    (
        "xmu_lab",
        "conditional",
        ("check_application", "provider_review:refuse", "record_refusal"),
        120,
        12,
    ),
    ("mapco", "withheld", ("check_application",), 90, 8),
    ("its_institute", "unconditional", ("check_application", "register_real_name"), 150, 3),
    (
        "xmu_lab",
        "unconditional",
        ("check_application", "register_real_name", "grant_access"),
        10,
        20,
    ),
    (
        "mapco",
        "conditional",
        (
            "check_application",
            "provider_review",
            "grant_access",
            "submit_usage_report",
            "review_usage_report",
        ),
        60,
        19,
    ),
)
MARKET_ANSWERS: dict[str, dict[str, Any]] = {  # processes/market_application.bpmn
    "check_application": {"decision": "accept"},
    "supplement": {"supplement_note": "已补充加盖公章的数据使用申请书。"},
    "provider_review": {
        "approved": True,
        "opinion": "同意按申请的数据项提供，限于所述用途。",
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
        "summary": "完成厦门岛内早高峰拥堵成因分析，研究报告已提交。",
    },
    "review_usage_report": {"received": True, "note": "成果已接收备案。"},
}
SPECIAL: dict[str, dict[str, Any]] = {
    "check_application:supplement": {"decision": "supplement", "opinion": "申请书未盖章，请补正。"},
    "provider_review:refuse": {
        "approved": False,
        "opinion": "不同意向社会化单位提供。",
        "reason": "数据含车辆轨迹，涉及个人信息，脱敏方案未定。",
    },
}


def load_market_demo(settings: Settings, jtflow: Jtflow) -> Iterator[str]:
    """Play the stories from twenty days back on the demo's fake clock, then catch up."""
    clock: Any = jtflow.clock
    now = clock.now()
    store = attachment_store(settings)
    picked = _resources(jtflow)
    if not picked:
        yield "演示市场化应用：目录中没有已发布的资源，未添加"
        return
    for number, (applicant, kind, steps, days, ago) in enumerate(STORIES):
        resource = picked.get(kind)
        if resource is None:
            continue
        clock.set(now - timedelta(days=ago))
        application = _application(applicant, resource, clock.now(), days, number)
        ref = apply(jtflow, application, _upload(jtflow, store, applicant), applicant=applicant)
        for element in steps:
            clock.advance(hours=8)
            _work(jtflow, ref.case_id, element)
    clock.set(now)
    fired = jtflow.fire_due_timers()
    yield f"演示市场化应用：{len(STORIES)} 件，处于各个阶段；已触发到期计时器 {fired} 个"


def _resources(jtflow: Jtflow) -> dict[str, Resource]:
    """A published resource of each kind an application can meet (M3)."""
    with jtflow.sessions() as session:
        found: dict[str, Resource] = {}
        rows = session.scalars(
            select(Resource).where(Resource.status == "published").order_by(Resource.id)
        )
        for resource in rows:
            found.setdefault(market_share_type(resource), resource)
        return found


def _application(
    applicant: str, resource: Resource, at: Any, days: int, number: int
) -> dict[str, Any]:
    organisation, credit_code = ORGANISATIONS[applicant]
    start = at.astimezone(SHANGHAI).date()
    return {
        "organisation": organisation,
        "credit_code": credit_code,
        "resource_id": resource.id,
        "purpose": ("congestion_research", "travel_information", "parking_guidance")[number % 3],
        "purpose_detail": "分析岛内早晚高峰运行规律，为拥堵治理和出行服务提供依据。",
        "scope": f"{organisation}内部使用（第 {number + 1} 号申请）",
        "data_items": ["时间", "位置", "速度"],
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=days)).isoformat(),
    }


def _upload(jtflow: Jtflow, store: AttachmentStore, applicant: str) -> dict[str, int]:
    with jtflow.sessions() as session:
        ids = {}
        for kind, name, content in DOCUMENTS:
            row = upload(
                session,
                store,
                name=name,
                content=content + f"% {applicant}\n".encode(),
                kind=kind,
                by=applicant,
                now=jtflow.clock.now(),
            )
            ids[kind] = row.id
        session.commit()
        return ids


def _work(jtflow: Jtflow, case_id: int, element: str) -> None:
    """Complete the open task of `element` (optionally `element:variant`) as its holder."""
    element_id = element.split(":")[0]
    with jtflow.sessions() as session:
        task = session.scalar(
            select(Task).where(
                Task.instance_id == case_id, Task.element_id == element_id, Task.state == "open"
            )
        )
        assert task is not None, f"no open {element_id}"
    jtflow.fire_due_timers()
    answer = SPECIAL.get(element) or MARKET_ANSWERS[element_id]
    jtflow.complete(task.id, answer, _holder(jtflow, task))


def _holder(jtflow: Jtflow, task: Task) -> str:
    """The demo user holding the task: the applicant it is addressed to, or the first user
    of its unit and role."""
    if task.assignee:
        return task.assignee
    for user in jtflow.users():
        if user.unit_code == task.unit_code and task.role in (user.roles or []):
            return user.username
    raise LookupError(f"没有 {task.unit_code}/{task.role} 的演示用户")
