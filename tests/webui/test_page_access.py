"""S1 on the pages: another unit's task or case is a 403 page (in the access log), never a
500 or an empty page; an auditor reads everything and changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import AccessLog, Task
from tests.factories import report, step, task_at
from tests.webui.pages import post, signed_in_as, text


@pytest.fixture
def transferred(jtflow):  # type: ignore[no-untyped-def]
    """A bus-station event transferred to 公交集团: a CENTER task done, a BUS_GROUP one open."""
    case = report(jtflow)
    step(jtflow, case, "classify")
    return case


def done_task(jtflow, case, element_id):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return session.scalar(
            select(Task.id).where(Task.instance_id == case.case_id, Task.element_id == element_id)
        )


def denials(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        return list(
            session.execute(
                select(AccessLog.username, AccessLog.target_id).where(AccessLog.action == "denied")
            )
        )


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("highway_handler", "/tasks/{sign_for}"),  # another unit's task
        ("highway_handler", "/cases/{case_no}"),  # another unit's case
        ("bus_handler", "/tasks/{classify}"),  # the center's task in a case of its own
        ("bus_leader", "/tasks/{sign_for}"),  # its unit, not its role
    ],
)
def test_another_units_task_or_case_is_a_logged_403_page(
    client, jtflow, transferred, username, path
):
    ids = {
        "sign_for": task_at(jtflow, transferred, "sign_for").id,
        "classify": done_task(jtflow, transferred, "classify"),
        "case_no": transferred.case_no,
    }
    signed_in_as(client, username)
    target = path.format(**ids)
    response = client.get(target)
    assert response.status_code == 403 and "无权" in text(response)
    assert (username, target) in denials(jtflow)


def test_acting_on_another_units_task_is_a_403_and_changes_nothing(client, jtflow, transferred):
    task = task_at(jtflow, transferred, "sign_for")
    signed_in_as(client, "highway_handler")
    assert post(client, f"/tasks/{task.id}/claim").status_code == 403
    assert post(client, f"/tasks/{task.id}", {"accept": "true"}).status_code == 403
    assert jtflow.task(task.id).state == "open" and jtflow.task(task.id).assignee is None


def test_the_involved_unit_reads_the_case_page(client, jtflow, transferred):
    signed_in_as(client, "bus_handler")
    page = text(client.get(f"/cases/{transferred.case_no}"))
    assert "签收" in page and 'data-kind="task_completed"' in page


def test_an_auditor_reads_everything_and_changes_nothing(client, jtflow, transferred):
    task = task_at(jtflow, transferred, "sign_for")
    signed_in_as(client, "auditor")
    inbox = text(client.get("/"))
    assert transferred.case_no in inbox and f'id="claim-{task.id}"' not in inbox
    page = text(client.get(f"/tasks/{task.id}"))
    assert 'id="read-only"' in page and 'id="submit-task"' not in page
    assert client.get(f"/cases/{transferred.case_no}").status_code == 200
    assert post(client, f"/tasks/{task.id}/claim").status_code == 403
    assert post(client, f"/tasks/{task.id}", {"accept": "true"}).status_code == 403
    assert jtflow.task(task.id).state == "open" and jtflow.task(task.id).assignee is None
    assert len(denials(jtflow)) == 2


def test_an_unknown_task_or_case_is_a_404_page(client):
    signed_in_as(client, "c_12328")
    assert client.get("/tasks/999999").status_code == 404
    assert client.get("/cases/JT20260101-999999").status_code == 404


def test_ids_and_pages_past_any_integer_are_404_and_422_not_500(client):
    signed_in_as(client, "c_12328")
    huge = 10**25
    assert client.get(f"/tasks/{huge}").status_code == 404
    assert post(client, f"/tasks/{huge}").status_code == 404
    assert post(client, f"/tasks/{huge}/claim").status_code == 404
    assert client.get(f"/?page={huge}").status_code == 422


def refusal_of(response):  # type: ignore[no-untyped-def]
    """The 403 page's own sentence (the header around it names the reader, not the case)."""
    assert response.status_code == 403
    return re.search(r'<p class="error" role="alert">(.*?)</p>', text(response), re.S).group(1)


def test_a_refusal_names_nothing_the_reader_may_not_see(client, jtflow, transferred):
    """Issue 10: no case number, title, unit, role or step name of another unit's work."""
    sign_for = task_at(jtflow, transferred, "sign_for")
    signed_in_as(client, "highway_handler")
    refusals = [
        refusal_of(client.get(f"/tasks/{sign_for.id}")),
        refusal_of(client.get(f"/cases/{transferred.case_id}")),
        refusal_of(client.get(f"/cases/{transferred.case_id}/diagram.bpmn")),
        refusal_of(post(client, f"/tasks/{sign_for.id}/claim")),
        refusal_of(post(client, f"/tasks/{sign_for.id}", {"accept": "true"})),
        refusal_of(client.get(f"/audit/cases/{transferred.case_id}/steps/1")),
    ]
    for said in refusals:
        assert "无权" in said
        for secret in (transferred.case_no, "候车亭", "BUS_GROUP", "公交", "签收"):
            assert secret not in said, (secret, said)
