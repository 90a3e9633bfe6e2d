"""E12, issue 16: beside each light, the step's allowance and the share used, so a yellow
"还剩 23 小时" and a green "还剩 1 天" read as the shares of their own steps."""

from __future__ import annotations

from engine.time.clock import parse_instant
from tests.factories import report
from tests.webui.pages import signed_in_as, text


def test_the_inbox_and_task_page_show_the_allowance_and_share(client, jtflow, clock):
    report(jtflow)
    clock.set(parse_instant("2026-09-29T04:12:00+08:00"))  # 80 % of one working day
    jtflow.fire_due_timers()
    signed_in_as(client, "c_12328")
    inbox = text(client.get("/"))
    assert "时限 1 个工作日，已用 80%" in inbox
    task_id = inbox.split('data-task-id="')[1].split('"')[0]
    assert "时限 1 个工作日，已用 80%" in text(client.get(f"/tasks/{task_id}"))
    assert "allowance 1 working day, 80% used" in text(client.get("/?lang=en"))
