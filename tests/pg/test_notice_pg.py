"""Interface notices (O1, O3) on PostgreSQL: a fault notice worked through the API by each
step's own user, the interrupted resources read through the JSON facts query, the chain
verified and replayed."""

from __future__ import annotations

import pytest

from engine.config import Settings
from engine.notices import notices_of_unit
from engine.people.accounts import create_token
from engine.record.audit import verify
from tests.notices import walk_over_api
from tests.pg.conftest import engine_on
from tests.walkthrough import replays_exactly
from tests.webui.api.conftest import Api
from webui import create_app

pytestmark = [pytest.mark.postgres]


def test_a_fault_notice_through_the_api_on_postgresql(pg_url, monkeypatch):
    monkeypatch.setenv("JTFLOW_SECRET_KEY", "test-only")  # a shared database needs one
    jtflow = engine_on(pg_url)
    client = create_app(
        Settings(database_url=pg_url), jtflow=jtflow, config={"TESTING": True}
    ).test_client()

    def api_as(username: str) -> Api:
        with jtflow.sessions() as session:
            token = create_token(session, username, jtflow.clock.now())
            session.commit()
        return Api(client, token)

    case_no = walk_over_api(jtflow, api_as)
    with jtflow.sessions() as session:
        [notice] = notices_of_unit(session, "BUS_GROUP")
        assert notice.case_no == case_no and notices_of_unit(session, "HIGHWAY_DEV") == []
        assert verify(session, notice.id).broken == []
    replays_exactly(jtflow, case_no)
