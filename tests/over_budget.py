"""A step whose diagram code runs until its budget stops it, while other requests come in
(DESIGN.md: diagram code never runs while a database write lock is held)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from engine.errors import StalledInstance
from engine.run.guarded_evaluator import CodeBudget, GuardedEnvironment
from engine.service import Jtflow
from tests.factories import (
    AFTER_SIGN_FOR,
    deploy_probe_after_sign_for,
    kinds,
    open_steps,
    report,
    task_at,
)

ENDLESS_LOOP = (
    f'<bpmn:scriptTask id="probe">{AFTER_SIGN_FOR}<bpmn:script>n = 0\n'
    "for i in range(10**6):\n    for j in range(10**6):\n        n = n + 1"
    "</bpmn:script></bpmn:scriptTask>"
)


def requests_answer_while_a_step_runs_over_budget(
    jtflow: Jtflow, client: Any, token: str, folder: Path
) -> None:
    """Complete 签收 of one case (its next step loops) in a thread; meanwhile the inbox and a
    claim on another case answer, and the looping step fails alone with its case unchanged."""
    environment = GuardedEnvironment(jtflow.runtime.functions.published(), CodeBudget(seconds=2))
    jtflow.runtime.environment = environment
    deploy_probe_after_sign_for(jtflow, folder, ENDLESS_LOOP)
    busy, other = report(jtflow), report(jtflow)
    busy_task, other_task = task_at(jtflow, busy, "sign_for"), task_at(jtflow, other, "sign_for")

    running, guard = threading.Event(), environment.globals["__jt_iter"]

    def watched(iterable: Any) -> Any:
        running.set()  # the diagram code has started looping
        return guard(iterable)

    environment.globals["__jt_iter"] = watched
    failures: list[str] = []

    def complete_busy() -> None:
        try:
            jtflow.complete(busy_task.id, {"accept": True}, "transport_handler")
        except StalledInstance as e:
            failures.append(str(e))

    thread = threading.Thread(target=complete_busy)
    thread.start()
    assert running.wait(30), "the looping step never started"
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/tasks", headers=headers)
    claimed = client.post(f"/api/tasks/{other_task.id}/claim", headers=headers)
    answered_while_looping = thread.is_alive()
    thread.join(60)
    assert listed.status_code == 200, listed.get_json()
    assert claimed.status_code == 200, claimed.get_json()
    assert answered_while_looping, "the requests were only answered after the step ended"
    assert failures and ("运行超过" in failures[0] or "元素超过" in failures[0]), failures
    assert kinds(jtflow, busy)[-1] == "step_failed"
    assert open_steps(jtflow, busy) == ["sign_for"]  # the looping case is as it was
