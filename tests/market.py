"""Builders for market application tests (M1–M5): a published catalogue entry, the four
documents uploaded by an applicant, an application started through engine/market.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.config import PROJECT_ROOT
from engine.market import apply
from engine.models import Resource
from engine.record.attachments import AttachmentStore, upload
from engine.service import CaseRef, Jtflow
from tests import files


def resource(
    jtflow: Jtflow,
    share_type: str = "conditional",
    provider: str = "BUS_GROUP",
    name: str = "公交车辆实时位置",
    **more: Any,
) -> int:
    """A published catalogue entry to apply for, with the market process deployed (the test
    template deploys only the lifecycle, whose definition ids other tests count on)."""
    jtflow.deploy(PROJECT_ROOT / "processes" / "market_application.bpmn")
    now = jtflow.clock.now()
    with jtflow.sessions() as session:
        row = Resource(
            category="transit.position",
            name=name,
            provider_unit=provider,
            data_format="JSON",
            attribute="dynamic",
            update_period="realtime",
            share_type=share_type,
            share_scope="全市",
            share_modes=["api", "download"],
            usage_requirements=more.pop("usage_requirements", ""),
            source_system="公交智能调度系统",
            status="published",
            created_at=now,
            created_by="c_data",
            updated_at=now,
            updated_by="c_data",
            published_at=now,
            published_by="c_data",
        )
        session.add(row)
        session.commit()
        return row.id


DOCUMENTS = {
    "application_letter": "数据使用申请书.pdf",
    "confidentiality": "数据保密承诺书.pdf",
    "credit_code": "统一社会信用代码.png",
    "legal_rep_id": "法定代表人身份证.jpg",
}
CONTENT = {".pdf": files.PDF, ".png": files.PNG, ".jpg": files.JPEG}


def documents(
    jtflow: Jtflow, store: AttachmentStore, applicant: str, names: dict[str, str] | None = None
) -> dict[str, int]:
    """Each document uploaded by the applicant: kind → attachment id."""
    ids = {}
    with jtflow.sessions() as session:
        for kind, name in (DOCUMENTS if names is None else names).items():
            content = CONTENT[Path(name).suffix] + f"{applicant}/{kind}".encode()
            row = upload(
                session,
                store,
                name=name,
                content=content,
                kind=kind,
                by=applicant,
                now=jtflow.clock.now(),
            )
            ids[kind] = row.id
        session.commit()
    return ids


def application(resource_id: int, **more: Any) -> dict[str, Any]:
    return {
        "organisation": "厦门大学交通研究中心",
        "credit_code": "12350000426600329X",
        "resource_id": resource_id,
        "purpose": "congestion_research",
        "purpose_detail": "分析岛内早高峰公交运行速度与拥堵成因。",
        "scope": "厦门岛内公交线路，仅限本中心研究使用",
        "data_items": ["车辆编号", "线路", "实时位置", "速度"],
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        **more,
    }


def applied(
    jtflow: Jtflow,
    store: AttachmentStore,
    resource_id: int,
    applicant: str = "xmu_lab",
    **more: Any,
) -> CaseRef:
    return apply(
        jtflow,
        application(resource_id, **more),
        documents(jtflow, store, applicant),
        applicant=applicant,
    )
