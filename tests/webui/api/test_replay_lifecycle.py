"""S2 over the API, on the suite's clock that ticks at every read: a 12328 complaint reported,
gone red and pressed (E12), handled, returned once (E10) and archived, all through the API,
replays exactly, and GET /api/cases/{ref}/replay?step=k says `reproduced: true` at every k."""

from __future__ import annotations

from tests.conftest import START
from tests.walkthrough import REPORT, check_the_record, replays_exactly, reproduced_at_every_step
from tests.walkthrough import walk as walk_case


def test_a_case_worked_through_the_api_replays_at_every_step(api_as, jtflow, clock):
    body = {**REPORT, "discovered_at": START.isoformat()}
    reported = api_as("c_12328").post("/api/events", body)
    assert reported.status_code == 201, reported.get_json()
    case_no = reported.get_json()["case_no"]
    clock.advance(days=1, hours=1)  # 分类转办 is a working day overdue: red, the center pressed
    jtflow.fire_due_timers()  # what the scheduler does when the instant comes

    def complete(task, data, username):  # type: ignore[no-untyped-def]
        person = api_as(username)
        assert person.post(f"/api/tasks/{task.id}/claim").status_code == 200
        clock.advance(minutes=20)
        response = person.post(f"/api/tasks/{task.id}/complete", {"data": data})
        assert response.status_code == 200, response.get_json()

    done = walk_case(jtflow, case_no, complete, between=lambda: clock.advance(hours=1))
    history = check_the_record(jtflow, case_no, done)

    replays_exactly(jtflow, case_no)
    auditor = api_as("auditor")
    reproduced_at_every_step(lambda path: auditor.get(path).get_json(), case_no, len(history))
