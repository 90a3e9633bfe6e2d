"""Grants enforced (D6, S1): data is used only under a live grant for the same purpose and
service mode; every use and every refusal is in the access log; a change of scope is a new
request that leaves the old grant as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import sharing
from engine.errors import Conflict, PermissionDenied
from engine.models import AccessLog
from tests.factories import SHARING_REQUEST, grant_of, resource, status, step

REQUESTER = "highway_handler"


def uses(jtflow) -> list[tuple[str, bool, str]]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        rows = session.scalars(
            select(AccessLog).where(AccessLog.action == "use_data").order_by(AccessLog.id)
        )
        return [(r.username, r.allowed, r.detail or "") for r in rows]


def granted(jtflow, **form):  # type: ignore[no-untyped-def]
    resource_id = resource(jtflow, share_type="unconditional")
    case = sharing.request_sharing(
        jtflow, resource_id, {**SHARING_REQUEST, **form}, requester=REQUESTER
    )
    return resource_id, case


def use(jtflow, resource_id, purpose=SHARING_REQUEST["purpose"], mode="download", who=REQUESTER):  # type: ignore[no-untyped-def]
    return sharing.use_data(jtflow, resource_id, purpose, mode, username=who)


def test_a_unit_without_a_grant_is_refused_and_the_refusal_logged(fresh):
    resource_id = resource(fresh())
    with pytest.raises(PermissionDenied, match="没有.*共享授权"):
        use(fresh(), resource_id)
    [(who, allowed, detail)] = uses(fresh())
    assert (who, allowed) == (REQUESTER, False) and "没有" in detail


def test_a_grant_is_used_by_its_whole_unit_for_its_purpose_and_mode_and_logged(fresh):
    resource_id, _ = granted(fresh())
    access = use(fresh(), resource_id, who="highway_leader")  # the unit holds it, not a person
    assert access.service_mode == "download"
    assert uses(fresh())[-1][:2] == ("highway_leader", True)


def test_another_purpose_or_another_mode_is_refused(fresh):
    """D6: 不得用于或变相用于其他目的; the service mode granted is the one to use."""
    resource_id, _ = granted(fresh())
    with pytest.raises(PermissionDenied, match="用途与本次用途不符"):
        use(fresh(), resource_id, purpose="提供给第三方做商业分析")
    with pytest.raises(PermissionDenied, match="接口交换"):
        use(fresh(), resource_id, mode="api")
    assert [allowed for _, allowed, _ in uses(fresh())] == [False, False]


def test_a_revoked_grant_is_refused(fresh):
    resource_id, case = granted(fresh())
    grant = grant_of(fresh(), case)
    assert grant is not None
    sharing.revoke(fresh(), grant.id, "需求部门违规扩散数据。", actor="c_data")
    with pytest.raises(PermissionDenied, match="已撤销"):
        use(fresh(), resource_id)
    assert uses(fresh())[-1][:2] == (REQUESTER, False)


def test_another_unit_cannot_use_a_grant_it_does_not_hold(fresh):
    """No third party (D6): a grant to 公路中心 does not let 运输中心 use the data."""
    resource_id, _ = granted(fresh())
    with pytest.raises(PermissionDenied):
        use(fresh(), resource_id, who="transport_handler")


def test_a_change_of_scope_is_a_new_request_and_the_old_grant_stays(fresh):
    """D6: a new scope is a new approval; the same purpose, scope and mode needs none."""
    resource_id = resource(fresh())
    first = sharing.request_sharing(fresh(), resource_id, SHARING_REQUEST, requester=REQUESTER)
    step(fresh(), first, "reply", {"agree": True})
    step(fresh(), first, "center_review", {"review_opinion": "备案。"})
    old = grant_of(fresh(), first)
    assert old is not None
    with pytest.raises(Conflict, match="无需重复申请"):
        sharing.request_sharing(fresh(), resource_id, SHARING_REQUEST, requester=REQUESTER)
    wider = {**SHARING_REQUEST, "scope": "2026 年全市公交线路"}
    second = sharing.request_sharing(fresh(), resource_id, wider, requester=REQUESTER)
    assert second.case_id != first.case_id and status(fresh(), second) == "running"
    assert [t.element_id for t in second.tasks] == ["reply"]
    unchanged = grant_of(fresh(), first)
    assert unchanged is not None
    assert (unchanged.scope, unchanged.revoked_at) == (SHARING_REQUEST["scope"], None)
