"""`jtflow audit verify` also checks the grant rows against their requests' chains (D6, S2)."""

from __future__ import annotations

from sqlalchemy import text

from engine import sharing
from tests.factories import SHARING_REQUEST, resource


def test_audit_verify_fails_on_an_edited_grant(cli, jtflow):
    resource_id = resource(jtflow, share_type="unconditional")
    case = sharing.request_sharing(
        jtflow, resource_id, SHARING_REQUEST, requester="highway_handler"
    )
    assert cli("audit", "verify").exit_code == 0
    with jtflow.sessions.kw["bind"].begin() as connection:
        connection.execute(
            text("UPDATE data_grant SET service_mode = 'api' WHERE instance_id = :case"),
            {"case": case.case_id},
        )
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"案件 {case.case_no}" in result.output and "服务方式" in result.output
