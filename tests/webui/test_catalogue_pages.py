"""The catalogue's pages as their users see them: search for everyone, the entry with names
not codes, the form of the unit's data administrator, the center's review, the register
(O5), import and export; another unit's handler is refused, and the refusal logged (S1)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.data import catalogue
from engine.data.catalogue_file import COLUMNS
from engine.models import AccessLog, Resource
from engine.people.users import get_user
from tests.data_factories import entry, registered
from tests.webui.pages import post, signed_in_as, text

FORM = {
    "category": "transit.position",
    "name": "公交车辆实时GPS位置",
    "data_format": "JSON",
    "attribute": "dynamic",
    "update_period": "realtime",
    "share_type": "conditional",
    "share_scope": "政务部门",
    "share_modes": ["api", "browse"],
    "usage_requirements": "仅用于交通运行监测",
    "source_system": "公交智能调度系统",
}


@pytest.fixture
def published(jtflow):  # type: ignore[no-untyped-def]
    """A published bus entry and a BRT draft."""
    registered(jtflow)
    with jtflow.sessions() as db:
        now = jtflow.clock.now()
        bus = catalogue.create(db, get_user(db, "bus_data"), now, entry())
        catalogue.submit(db, get_user(db, "bus_data"), now, bus.id)
        catalogue.publish(db, get_user(db, "c_data"), now, bus.id)
        draft = catalogue.create(
            db, get_user(db, "brt_data"), now, entry(name="BRT草稿资源", category="transit.speed")
        )
        db.commit()
        return bus.id, draft.id


def test_everyone_signed_in_browses_and_searches_by_name(client, published):  # type: ignore[no-untyped-def]
    assert client.get("/catalogue").status_code == 302  # sign in first
    signed_in_as(client, "transport_handler")
    page = text(client.get("/catalogue"))
    assert 'id="nav-catalogue"' in page
    assert "公交车辆实时GPS位置" in page and "BRT草稿资源" not in page
    assert "厦门公交集团有限公司" in page and "公共交通实时/实时位置" in page
    assert "BUS_GROUP" not in page.split('id="resources"')[1]  # names, never codes
    found = text(client.get("/catalogue?q=调度&share_type=conditional&category=transit"))
    assert 'id="resource-count">共 1 条资源' in found
    assert "没有符合条件的资源" in text(client.get("/catalogue?q=不存在的资源"))


def test_the_entry_shows_its_fields_by_name_history_and_request_slot(client, published):  # type: ignore[no-untyped-def]
    bus, draft = published
    signed_in_as(client, "brt_data")
    page = text(client.get(f"/catalogue/{bus}"))
    for shown in (
        "有条件共享",
        "动态数据",
        "实时",
        "接口交换",
        "公交智能调度系统",
        "厦门公交集团有限公司",
    ):
        assert shown in page
    assert 'id="request-slot"' in page
    assert 'data-action="published"' in page and 'data-action="created"' in page
    assert (
        "庄数据（公交集团数据资源管理员）" in page and "许目录（数据资源管理岗）" in page
    )  # people by name
    assert 'id="edit-resource"' not in page
    assert client.get(f"/catalogue/{draft}").status_code == 200  # its own draft
    signed_in_as(client, "bus_handler")
    assert client.get(f"/catalogue/{draft}").status_code == 404  # another unit's draft
    assert 'id="request-slot"' not in text(client.get(f"/catalogue/{bus}"))  # its own unit


def test_the_units_administrator_creates_submits_and_the_center_publishes(
    client, jtflow, published
):  # type: ignore[no-untyped-def]
    signed_in_as(client, "brt_data")
    assert client.get("/catalogue/new").status_code == 200
    bad = post(client, "/catalogue/new", {**FORM, "name": "", "share_type": "x"})
    assert bad.status_code == 422
    assert "名称：必填" in text(bad) and "共享类型：请填写" in text(bad)
    dup = post(client, "/catalogue/new", FORM)
    assert dup.status_code == 422 and "已由厦门公交集团有限公司登记" in text(dup)
    made = post(client, "/catalogue/new", {**FORM, "name": "BRT车辆实时位置"})
    assert made.status_code == 302
    resource_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert post(client, f"/catalogue/{resource_id}/submit").status_code == 302
    signed_in_as(client, "c_data")
    queue = text(client.get("/catalogue/review"))
    assert "BRT车辆实时位置" in queue and "厦门轨道集团有限公司（BRT场站公司）" in queue
    assert post(client, f"/catalogue/{resource_id}/publish").status_code == 302
    with jtflow.sessions() as db:
        assert db.get(Resource, resource_id).status == "published"


def test_an_edit_goes_back_for_review_and_the_change_shows(client, published):  # type: ignore[no-untyped-def]
    bus, _draft = published
    signed_in_as(client, "bus_data")
    assert "已发布的条目修改后回到草稿" in text(client.get(f"/catalogue/{bus}/edit"))
    assert post(client, f"/catalogue/{bus}/edit", {**FORM, "data_format": "XML"}).status_code == 302
    page = text(client.get(f"/catalogue/{bus}"))
    assert "格式：JSON → XML" in page and "状态：已发布 → 草稿" in page


def test_a_handler_of_another_unit_cannot_edit_and_is_logged(client, jtflow, published):  # type: ignore[no-untyped-def]
    bus, _draft = published
    signed_in_as(client, "brt_data")
    assert client.get(f"/catalogue/{bus}/edit").status_code == 403
    assert post(client, f"/catalogue/{bus}/edit", FORM).status_code == 403
    assert post(client, f"/catalogue/{bus}/data-updated").status_code == 403
    signed_in_as(client, "bus_handler")  # its own unit, but not the registered administrator
    refused = client.get(f"/catalogue/{bus}/edit")
    assert refused.status_code == 403 and "登记在册的数据资源管理员" in text(refused)
    with jtflow.sessions() as db:
        denied = db.scalars(select(AccessLog.username).where(AccessLog.action == "denied")).all()
    assert denied.count("brt_data") == 3 and "bus_handler" in denied


def test_only_the_center_reviews(client, published):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_data")
    assert client.get("/catalogue/review").status_code == 403
    bus, _ = published
    assert post(client, f"/catalogue/{bus}/publish").status_code == 403


def test_overdue_shows_to_its_unit_only(client, jtflow, published):  # type: ignore[no-untyped-def]
    bus, _ = published
    jtflow.clock.advance(days=5)  # a real-time feed not updated for days
    signed_in_as(client, "bus_data")
    assert 'id="overdue"' in text(client.get(f"/catalogue/{bus}"))
    index = text(client.get("/catalogue"))
    assert f'id="overdue-{bus}"' in index and 'id="unit-overdue"' in index
    listed = text(client.get("/catalogue?overdue=1"))
    assert 'id="overdue-view"' in listed and "公交车辆实时GPS位置" in listed
    assert post(client, f"/catalogue/{bus}/data-updated").status_code == 302
    assert 'id="overdue"' not in text(client.get(f"/catalogue/{bus}"))
    assert 'id="unit-overdue"' not in text(client.get("/catalogue"))
    jtflow.clock.advance(days=5)
    signed_in_as(client, "brt_data")
    assert 'id="overdue"' not in text(client.get(f"/catalogue/{bus}"))


def test_the_register_page_and_a_change_of_staff(client, jtflow, published):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_handler")
    page = text(client.get("/catalogue/administrators"))
    assert "bus_data" in page and 'id="register-form"' not in page
    assert post(client, "/catalogue/administrators", {"unit_code": "BUS_GROUP"}).status_code == 403
    signed_in_as(client, "c_data")
    missing = post(
        client, "/catalogue/administrators", {"unit_code": "BUS_GROUP", "username": "bus_handler"}
    )
    assert missing.status_code == 422 and "人员变更须写明原因" in text(missing)
    changed = post(
        client,
        "/catalogue/administrators",
        {"unit_code": "BUS_GROUP", "username": "bus_handler", "reason": "原管理员调岗"},
    )
    assert changed.status_code == 302
    history = text(client.get("/catalogue/administrators"))
    assert "原管理员调岗" in history and 'data-username="bus_data"' in history
    assert "bus 办理人" in history.split('id="in-office"')[1].split("</table>")[0]


def test_export_and_import_through_the_pages(client, jtflow, published):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_data")
    exported = client.get("/catalogue/export?format=xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).active
    rows = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:11] == COLUMNS and rows[1][1] == "公交车辆实时GPS位置"
    rows[1][1] = "公交车辆实时GPS位置（新）"
    rows.append(list(rows[1]))
    rows[2][6] = "随便共享"
    csv_text = "\n".join(",".join(str(c) for c in r) for r in rows).encode("utf-8")
    with jtflow.sessions() as db:
        before = db.scalar(select(func.count(Resource.id)))
    refused = post(
        client,
        "/catalogue/import",
        {"file": (io.BytesIO(csv_text), "目录.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "第 3 行「共享类型」" in text(refused)
    with jtflow.sessions() as db:
        assert db.scalar(select(func.count(Resource.id))) == before
    good = "\n".join(",".join(str(c) for c in r) for r in rows[:2]).encode("utf-8")
    done = post(
        client,
        "/catalogue/import",
        {"file": (io.BytesIO(good), "目录.csv")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    with jtflow.sessions() as db:
        assert db.scalar(select(func.count(Resource.id))) == before + 1
        exports = db.scalars(select(AccessLog).where(AccessLog.action == "export")).all()
    assert [e.username for e in exports] == ["bus_data"]


def test_pages_in_english(client, published):  # type: ignore[no-untyped-def]
    bus, _ = published
    signed_in_as(client, "bus_data")
    page = text(client.get(f"/catalogue/{bus}?lang=en"))
    assert "Conditional sharing" in page and "Public transport real-time" in page
    assert "Xiamen Bus Group" in page
