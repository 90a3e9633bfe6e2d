"""D4–D6 on PostgreSQL: a conditional request from start to grant, each step by its own user,
the grant written in the granting step, used and refused (logged), revoked; the request's
chain verifies and replays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import sharing
from engine.data.grant_rows import grants_disagree
from engine.errors import PermissionDenied
from engine.models import AccessLog
from engine.record.audit import verify
from tests.factories import SHARING_REQUEST, grant_of, resource, status, step
from tests.pg.conftest import engine_on
from tests.walkthrough import replays_exactly

pytestmark = [pytest.mark.postgres]


def test_a_request_to_grant_then_revoked_on_postgresql(pg_url):
    jtflow = engine_on(pg_url)
    resource_id = resource(jtflow)
    case = sharing.request_sharing(
        jtflow, resource_id, SHARING_REQUEST, requester="highway_handler"
    )
    step(jtflow, case, "reply", {"agree": False, "reason": "涉及个人信息。"})
    step(jtflow, case, "center_review", {"review_opinion": "备案。"})
    step(
        jtflow, case, "negotiate_request", {"pursue": True, "need": "履职。", "proposal": "汇总。"}
    )
    step(jtflow, case, "negotiate_answer", {"agreed": True, "outcome": "同意汇总数据。"})
    step(jtflow, case, "file_outcome", {"filing_note": "已备案。"})
    assert status(jtflow, case) == "granted"
    grant = grant_of(jtflow, case)
    assert grant is not None and grant.data_items == SHARING_REQUEST["data_items"]
    purpose, mode = SHARING_REQUEST["purpose"], SHARING_REQUEST["service_mode"]
    sharing.use_data(jtflow, resource_id, purpose, mode, username="highway_handler")
    with pytest.raises(PermissionDenied):
        sharing.use_data(jtflow, resource_id, "其他目的", mode, username="highway_handler")
    sharing.revoke(jtflow, grant.id, "违规扩散。", actor="bus_leader")
    with pytest.raises(PermissionDenied, match="撤销"):
        sharing.use_data(jtflow, resource_id, purpose, mode, username="highway_handler")
    with jtflow.sessions() as session:
        logged = list(
            session.scalars(select(AccessLog.allowed).where(AccessLog.action == "use_data"))
        )
        assert verify(session, case.case_id).broken == []
        assert grants_disagree(session) == []
    assert logged == [True, False, False]
    assert [r["unit"] for r in sharing_requests(jtflow, "BUS_GROUP")] == ["BUS_GROUP"]
    replays_exactly(jtflow, case.case_no)


def sharing_requests(jtflow, unit):  # type: ignore[no-untyped-def]
    """The provider's list of requests, through its JSON query on PostgreSQL."""
    with jtflow.sessions() as session:
        return [{"unit": c.facts["provider_unit"]} for c in sharing.requests_of_unit(session, unit)]
