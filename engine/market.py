"""Market applications (SPEC §4 M1–M5): an external applicant applies to the center for a
catalogue resource with the four documents of M1; `processes/market_application.bpmn`
takes it from there. This service checks the application and starts the case; the steps
after that are ordinary tasks (the inbox, the task page, `Jtflow.complete`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .data.market_rules import (
    DOCUMENTS,
    PURPOSES,
    check_documents,
    check_not_already_granted,
    market_share_type,
)
from .errors import FieldError, InvalidInput, NotFound, PermissionDenied
from .models import Attachment, Instance, Organisation, Resource, User
from .people.access_rule import check_may_change
from .people.starting import may_apply_to_market
from .people.users import get_user
from .record.attachments import describe, pending
from .run.spiff import utc_iso
from .service import CaseRef, Jtflow
from .time.clock import SHANGHAI

PROCESS = "market_application"
FORM = "market_application"
MAX_PERIOD = timedelta(days=5 * 366)  # a period of use longer than five years is a typo


def apply(
    jtflow: Jtflow, application: dict[str, Any], attachments: dict[str, int], *, applicant: str
) -> CaseRef:
    """M1: check the application and its documents (`attachments`: kind → the applicant's
    upload id), then start the case; the documents are bound to it in the same step."""
    with jtflow.sessions() as session:
        user = get_user(session, applicant)
        check_may_change(user)
        if not may_apply_to_market(user):
            raise PermissionDenied(
                f"{applicant} 不是外部申请人：市场化应用由高等院校、科研院所等政务部门以外单位申请（M1）"
            )
        jtflow.forms.validate(FORM, application)
        facts = _facts(session, jtflow, application, attachments, user)
    return jtflow.start_case(
        PROCESS, facts, starter=applicant, attachments=list(attachments.values())
    )


def _facts(
    session: Session,
    jtflow: Jtflow,
    application: dict[str, Any],
    attachments: dict[str, int],
    user: User,
) -> dict[str, Any]:
    """The case's starting data: the application, the resource as the catalogue has it
    now, the period as instants and each document as its history will carry it."""
    by_agent = bool(application.get("by_agent", False))
    unknown = [kind for kind in attachments if kind not in DOCUMENTS]
    if unknown:
        raise InvalidInput(
            f"附件类别 {'、'.join(unknown)} 不是申请材料：应为 {'、'.join(DOCUMENTS)}"
        )
    check_documents(attachments, by_agent)
    uploads = pending(session, list(attachments.values()), user.username)
    for kind, upload in zip(attachments, uploads, strict=True):
        if upload.kind != kind:
            raise InvalidInput(
                f"附件 {upload.name} 上传为「{upload.kind}」，不能作为「{DOCUMENTS[kind]}」提交："
                "请按材料类别重新上传"
            )
    resource = session.get(Resource, application["resource_id"])
    if resource is None or resource.status != "published":
        message = f"信息资源 {application['resource_id']} 不在已发布的目录中：请从目录中选择"
        raise InvalidInput(message, [FieldError("resource_id", message)])
    start, end = _period(application, jtflow.clock.now())
    check_not_already_granted(
        session,
        user.username,
        resource.id,
        application["purpose"],
        application["scope"],
        jtflow.clock.now(),
    )
    provider = session.get(Organisation, resource.provider_unit)
    return {
        **application,
        "title": f"{application['organisation']}申请使用「{resource.name}」",
        "channel": PROCESS,
        "urgency": "normal",
        "reporter": user.username,
        "reporter_unit": user.unit_code,
        "by_agent": by_agent,
        "purpose_name": PURPOSES[application["purpose"]],
        "resource_name": resource.name,
        "provider_unit": resource.provider_unit,
        "provider_name": provider.name if provider else resource.provider_unit,
        "share_type": market_share_type(resource),
        "period_start": utc_iso(start),
        "period_end": utc_iso(end),
        "attachments": [describe(upload) for upload in uploads],
    }


def _period(application: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
    """The period of use, from the start of its first day to the end of its last (Xiamen)."""
    try:
        first = date.fromisoformat(application["period_start"])
        last = date.fromisoformat(application["period_end"])
    except ValueError:
        message = "使用周期的日期无效：应写作 2026-10-01"
        raise InvalidInput(message, [FieldError("period_end", message)]) from None
    start = datetime.combine(first, time(0), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(0), SHANGHAI) - timedelta(seconds=1)
    if end < start or end - start > MAX_PERIOD or end < now:
        message = "使用周期应从开始日到结束日、结束日不早于今天且不超过五年：请修改使用周期"
        raise InvalidInput(message, [FieldError("period_end", message)])
    return start, end


def applications_of(session: Session, username: str) -> list[Instance]:
    """The applicant's own applications, newest first (M1: applicants see only their own)."""
    rows = session.scalars(
        select(Instance).where(Instance.channel == PROCESS).order_by(Instance.id.desc())
    )
    return [case for case in rows if (case.facts or {}).get("reporter") == username]


def documents_of(session: Session, instance: Instance) -> list[Attachment]:
    """The application's documents as its case holds them."""
    rows = session.scalars(
        select(Attachment).where(Attachment.instance_id == instance.id).order_by(Attachment.id)
    )
    return list(rows)


def resource_of(session: Session, resource_id: int) -> Resource:
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(f"信息资源 {resource_id} 不存在")
    return resource
