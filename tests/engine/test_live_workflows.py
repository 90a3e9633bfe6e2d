"""JTFLOW_LIVE_WORKFLOWS: how many stepped cases a process keeps deserialized (0: none, every
step loads the stored state, as a second process or a restart would)."""

from __future__ import annotations

from unittest.mock import patch

from engine.config import Settings, open_jtflow
from tests.factories import report, step


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).live_workflows == 256
    assert Settings.from_env({"JTFLOW_LIVE_WORKFLOWS": "0"}).live_workflows == 0


def test_with_none_kept_every_step_loads_its_stored_state(db_url, clock) -> None:  # type: ignore[no-untyped-def]
    jtflow = open_jtflow(Settings(database_url=db_url, live_workflows=0), clock)
    case = report(jtflow)
    codec = jtflow.runtime.codec
    with patch.object(codec, "load", wraps=codec.load) as load:
        step(jtflow, case, "classify")
        step(jtflow, case, "sign_for")
    assert load.call_count == 2
