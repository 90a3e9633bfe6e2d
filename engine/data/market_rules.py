"""The market application's rules (SPEC §4 M1–M4, standard 第三节5): the four documents an
applicant attaches, the purposes allowed, which resources may go to the market at all, and
when a grant already covers a use (reuse) or a new approval is needed (a change).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput
from ..models import Grant, Resource

# M2: what shared data may be used for (研究交通运输行业和城市交通拥堵治理，或通过创新应用为公众
# 提供出行信息、交通诱导、停车诱导等服务).
PURPOSES = {
    "congestion_research": "研究交通运输行业和城市交通拥堵治理",
    "travel_information": "为公众提供出行信息服务",
    "traffic_guidance": "为公众提供交通诱导服务",
    "parking_guidance": "为公众提供停车诱导服务",
}

# M1: the documents, by attachment kind (engine.record.attachments.KINDS).
DOCUMENTS = {
    "application_letter": "数据使用申请书",
    "confidentiality": "数据保密承诺书",
    "credit_code": "统一社会信用代码复印件",
    "legal_rep_id": "法定代表人身份证复印件",
    "agent_id": "申请代理人身份证复印件",
    "authorisation": "单位授权委托书",
}
COMMON_DOCUMENTS = ("application_letter", "confidentiality", "credit_code")
IDENTITY_DOCUMENTS = {False: ("legal_rep_id",), True: ("agent_id", "authorisation")}

# M3: what each share type of the catalogue means for an external applicant; anything
# else, and a resource marked 暂不宜市场化应用 in its usage requirements, is withheld.
MARKET_SHARE_TYPES = ("unconditional", "conditional")
NOT_FOR_MARKET = "暂不宜市场化应用"
WITHHELD = "withheld"


def required_documents(by_agent: bool) -> tuple[str, ...]:
    """M1 (1)–(4): the legal representative's ID, or the agent's ID and authorisation."""
    return COMMON_DOCUMENTS + IDENTITY_DOCUMENTS[by_agent]


def check_documents(kinds: Iterable[str], by_agent: bool) -> None:
    """Refuse an application missing any of its required documents, naming each."""
    given = set(kinds)
    missing = [kind for kind in required_documents(by_agent) if kind not in given]
    if missing:
        errors = [FieldError(f"attachments.{k}", f"缺少{DOCUMENTS[k]}") for k in missing]
        names = "、".join(DOCUMENTS[k] for k in missing)
        raise InvalidInput(f"申请材料不全，缺少{names}：请上传后再提交（M1）", errors)


def market_share_type(resource: Resource) -> str:
    """How an external application for the resource goes (M3): unconditional, conditional,
    or withheld (不予共享, or 暂不宜市场化应用 however it is shared with government units)."""
    if NOT_FOR_MARKET in (resource.usage_requirements or ""):
        return WITHHELD
    return resource.share_type if resource.share_type in MARKET_SHARE_TYPES else WITHHELD


def open_to_applicants(session: Session) -> list[Resource]:
    """The published catalogue an applicant picks from (withheld ones too: M3 answers them
    with a refusal and its reason rather than hiding that they exist)."""
    return list(
        session.scalars(
            select(Resource)
            .where(Resource.status == "published")
            .order_by(Resource.category, Resource.name)
        )
    )


def current_grant(
    session: Session, grantee: str, resource_id: int, purpose: str, scope: str, at: datetime
) -> Grant | None:
    """M4: the grant that covers this use now — same resource, purpose and scope, not
    revoked, its period of use not over."""
    for grant in session.scalars(
        select(Grant)
        .where(
            Grant.grantee == grantee,
            Grant.resource_id == resource_id,
            Grant.purpose == purpose,
            Grant.scope == scope,
            Grant.revoked_at.is_(None),
        )
        .order_by(Grant.id.desc())
    ):
        if grant.valid_until is None or grant.valid_until >= at:
            return grant
    return None


def check_not_already_granted(
    session: Session, grantee: str, resource_id: int, purpose: str, scope: str, at: datetime
) -> None:
    """M4: a grant for the same purpose and scope is reused, not applied for again."""
    if current_grant(session, grantee, resource_id, purpose, scope, at) is not None:
        raise InvalidInput(
            "已获得该资源同一用途和范围的授权，可在使用周期内继续使用，无需重新申请（M4）"
        )
