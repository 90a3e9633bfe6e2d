"""S2 for grants (D6): `audit verify` checks each grant row against its request's chain —
a purpose widened, a revocation undone, a grant added or deleted behind the engine's back is
named with the event that says otherwise."""

from __future__ import annotations

from sqlalchemy import text

from engine import sharing
from engine.data.grant_rows import grants_disagree
from tests.factories import SHARING_REQUEST, grant_of, resource


def granted(jtflow):  # type: ignore[no-untyped-def]
    resource_id = resource(jtflow, share_type="unconditional")
    return sharing.request_sharing(
        jtflow, resource_id, SHARING_REQUEST, requester="highway_handler"
    )


def edit(jtflow, sql: str, **params) -> None:  # type: ignore[no-untyped-def]
    with jtflow.sessions.kw["bind"].begin() as connection:
        connection.execute(text(sql), params)


def reasons(jtflow) -> list[str]:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return [d.reason for d in grants_disagree(session)]


def test_untouched_grants_and_revocations_agree_with_their_chains(jtflow):
    case = granted(jtflow)
    granted(jtflow)
    grant = grant_of(jtflow, case)
    assert grant is not None
    sharing.revoke(jtflow, grant.id, "违规扩散。", actor="bus_leader")
    assert reasons(jtflow) == []


def test_a_widened_purpose_is_named(jtflow):
    case = granted(jtflow)
    edit(
        jtflow,
        "UPDATE data_grant SET purpose = '任意用途' WHERE instance_id = :case",
        case=case.case_id,
    )
    [reason] = reasons(jtflow)
    assert "使用用途" in reason and "被改动" in reason


def test_an_undone_revocation_is_named(jtflow):
    case = granted(jtflow)
    grant = grant_of(jtflow, case)
    assert grant is not None
    sharing.revoke(jtflow, grant.id, "违规扩散。", actor="bus_leader")
    edit(jtflow, "UPDATE data_grant SET revoked_at = NULL WHERE id = :id", id=grant.id)
    [reason] = reasons(jtflow)
    assert "撤销时间" in reason


def test_a_deleted_grant_is_named(jtflow):
    case = granted(jtflow)
    edit(jtflow, "DELETE FROM data_grant WHERE instance_id = :case", case=case.case_id)
    [reason] = reasons(jtflow)
    assert "被删除" in reason


def test_a_grant_added_to_a_request_still_waiting_is_named(jtflow):
    resource_id = resource(jtflow)  # conditional: the request waits for the provider's reply
    case = sharing.request_sharing(
        jtflow, resource_id, SHARING_REQUEST, requester="highway_handler"
    )
    edit(
        jtflow,
        "INSERT INTO data_grant (resource_id, instance_id, grantee, purpose, scope, service_mode,"
        " data_items, granted_at, granted_by) VALUES (:rid, :case, 'HIGHWAY_DEV', 'x', 'y', 'api',"
        " '[]', '2026-09-28 01:00:00', 'someone')",
        rid=resource_id,
        case=case.case_id,
    )
    [reason] = reasons(jtflow)
    assert "没有授权事件" in reason
