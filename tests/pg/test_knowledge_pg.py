"""The knowledge base (O2) on PostgreSQL: a change registered, submitted and accepted through
the API by each step's own user, the changes read through the JSON facts query (with the
late ones for A2), search, versions and a link on an event case; the chain verified and
replayed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from engine import knowledge
from engine.assessment.data_figures import data_figures
from engine.assessment.periods import parse_period
from engine.assessment.scope import Scope
from engine.config import Settings
from engine.models import Instance
from engine.people.accounts import create_token
from engine.record.audit import verify
from tests.conftest import CALENDAR
from tests.factories import report
from tests.knowledge import ACCEPT, SUBMISSION, deployed, schedule
from tests.pg.conftest import engine_on
from tests.walkthrough import replays_exactly
from tests.webui.api.conftest import Api
from webui import create_app

pytestmark = [pytest.mark.postgres]


def test_new_knowledge_through_the_api_on_postgresql(pg_url, monkeypatch):
    monkeypatch.setenv("JTFLOW_SECRET_KEY", "test-only")  # a shared database needs one
    jtflow = deployed(engine_on(pg_url))
    client = create_app(
        Settings(database_url=pg_url), jtflow=jtflow, config={"TESTING": True}
    ).test_client()

    def api_as(username: str) -> Api:
        with jtflow.sessions() as session:
            token = create_token(session, username, jtflow.clock.now())
            session.commit()
        return Api(client, token)

    unit, seat = api_as("transport_handler"), api_as("c_12328")
    made = unit.post(
        "/api/knowledge/changes",
        {"policy_title": "网约车管理实施细则修订", "changed_at": "2020-01-06T09:00:00+08:00"},
    )
    assert made.status_code == 201, made.get_json()
    case_no = made.get_json()["case_no"]
    opened = {t["element_id"]: t for t in made.get_json()["tasks"]}
    assert set(opened) == {"submit", "press"}  # changed in 2020: red at once, pressed
    submit = opened["submit"]
    [review] = unit.post(f"/api/tasks/{submit['id']}/complete", {"data": SUBMISSION}).get_json()[
        "tasks"
    ]
    assert seat.post(f"/api/tasks/{review['id']}/complete", {"data": ACCEPT}).status_code == 200
    [late] = unit.get("/api/knowledge/changes", query_string={"late": "true"}).get_json()["changes"]
    assert (late["case_no"], late["status"]) == (case_no, "published")
    [entry] = seat.get("/api/knowledge", query_string={"q": "网约车"}).get_json()["entries"]
    entry_id = entry["entry_id"]
    assert (
        seat.post(
            f"/api/knowledge/{entry_id}/versions", {**SUBMISSION, "entry_id": None}
        ).status_code
        == 422
    )
    body = {k: v for k, v in SUBMISSION.items() if k != "entry_id"}
    assert seat.post(f"/api/knowledge/{entry_id}/versions", body).status_code == 201
    event = report(jtflow)
    assert (
        seat.post(f"/api/cases/{event.case_no}/knowledge", {"entry_id": entry_id}).status_code
        == 201
    )
    detail = seat.get(f"/api/knowledge/{entry_id}").get_json()
    assert [v["version"] for v in detail["versions"]] == [2, 1]
    assert [c["case_no"] for c in detail["cases"]] == [event.case_no]
    assert schedule(jtflow) == schedule(jtflow)  # the standing case found by its facts
    with jtflow.sessions() as session:
        case_id = jtflow.case(case_no).id
        assert verify(session, case_id).broken == []
        now = jtflow.clock.now()
        quarter = parse_period(f"{now.year}-Q{(now.month - 1) // 3 + 1}")
        figures = data_figures(session, CALENDAR, Scope(quarter, now))["TRANSPORT_DEV"]
    assert (figures.knowledge, figures.late_knowledge) == (1, 1)  # changed in 2020: late
    replays_exactly(jtflow, case_no)


def test_two_schedules_started_at_once_on_postgresql_run_one(pg_url):
    """O2 on two connections at once: both starts see no schedule; one commits its case,
    the other meets the standing row and is answered with that case. One revision a
    quarter, however the starts interleave."""
    deployed(engine_on(pg_url))
    engines = [engine_on(pg_url), engine_on(pg_url)]
    barrier = threading.Barrier(2)
    real = knowledge.schedule_case
    first_looks = iter([True, True])

    def look_then_wait(session):  # type: ignore[no-untyped-def]
        seen = real(session)
        if next(first_looks, False):
            barrier.wait(timeout=30)  # both have looked before either starts
        return seen

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(knowledge, "schedule_case", look_then_wait)
        with ThreadPoolExecutor(2) as pool:
            started = list(pool.map(lambda j: schedule(j), engines))
    assert started[0] == started[1]
    with engines[0].sessions() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 1
