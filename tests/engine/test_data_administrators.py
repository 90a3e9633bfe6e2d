"""O5: the center registers each unit's data administrator; a change of staff ends the one
in office with its reason and keeps the history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.data import administrators
from engine.errors import InvalidInput, PermissionDenied
from engine.people.users import add_user, get_user


def test_a_change_of_staff_keeps_the_history(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        center = get_user(db, "c_data")
        add_user(db, "bus_data2", "新管理员", "BUS_GROUP", ["数据资源管理员"])
        first_at = jtflow.clock.now()
        administrators.register(
            db, center, first_at, unit_code="BUS_GROUP", username="bus_data", phone="0592-1"
        )
        assert administrators.administers(db, get_user(db, "bus_data"), "BUS_GROUP")
        with pytest.raises(InvalidInput, match="人员变更须写明原因"):
            administrators.register(
                db, center, first_at, unit_code="BUS_GROUP", username="bus_data2"
            )
        changed_at = jtflow.clock.advance(timedelta(days=30))
        administrators.register(
            db, center, changed_at, unit_code="BUS_GROUP", username="bus_data2", reason="岗位调整"
        )
        db.commit()
        newest, oldest = administrators.register_rows(db, "BUS_GROUP")
        assert (newest.username, newest.ended_at) == ("bus_data2", None)
        assert (oldest.username, oldest.end_reason, oldest.ended_by) == (
            "bus_data",
            "岗位调整",
            "c_data",
        )
        assert oldest.ended_at == changed_at and oldest.registered_at == first_at
        assert administrators.in_office(db, "BUS_GROUP").username == "bus_data2"
        assert not administrators.administers(db, get_user(db, "bus_data"), "BUS_GROUP")


def test_only_the_centers_post_registers_and_only_a_units_own_staff(jtflow):  # type: ignore[no-untyped-def]
    with jtflow.sessions() as db:
        now = jtflow.clock.now()
        for who in ("bus_data", "auditor", "c_monitor"):
            with pytest.raises(PermissionDenied, match="数据资源管理岗"):
                administrators.register(
                    db, get_user(db, who), now, unit_code="BUS_GROUP", username="bus_data"
                )
        center = get_user(db, "c_data")
        with pytest.raises(InvalidInput) as refused:
            administrators.register(db, center, now, unit_code="BUS_GROUP", username="brt_data")
        assert "不属于厦门公交集团有限公司" in str(refused.value)
        with pytest.raises(InvalidInput, match="请选择一个数据提供单位"):
            administrators.register(db, center, now, unit_code="EXTERNAL", username="bus_data")
        with pytest.raises(InvalidInput, match="不存在或已停用"):
            administrators.register(db, center, now, unit_code="BUS_GROUP", username="nobody")
