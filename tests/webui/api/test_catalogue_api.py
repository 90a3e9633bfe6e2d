"""GET/POST/PATCH /api/catalogue (D1, D2, O5): search and read as on the pages; create and
change only by the unit's registered data administrator; one data, one source."""

from __future__ import annotations

import pytest

from engine.data import catalogue
from engine.people.users import get_user
from tests.data_factories import entry, registered

BODY = {
    "category": "transit.position",
    "name": "BRT车辆实时位置",
    "data_format": "JSON",
    "attribute": "dynamic",
    "update_period": "realtime",
    "share_type": "unconditional",
    "share_scope": "所有政务部门",
    "share_modes": ["api"],
    "source_system": "BRT运营调度系统",
}


@pytest.fixture
def bus(jtflow):  # type: ignore[no-untyped-def]
    registered(jtflow)
    with jtflow.sessions() as db:
        now = jtflow.clock.now()
        made = catalogue.create(db, get_user(db, "bus_data"), now, entry())
        catalogue.submit(db, get_user(db, "bus_data"), now, made.id)
        catalogue.publish(db, get_user(db, "c_data"), now, made.id)
        db.commit()
        return made.id


def test_search_and_read(api_as, bus):  # type: ignore[no-untyped-def]
    api = api_as("transport_handler")
    found = api.get("/api/catalogue?q=GPS&category=transit&share_type=conditional").get_json()
    assert found["total"] == 1 and found["pages"] == 1
    (item,) = found["items"]
    assert item["provider_name"] == "厦门公交集团有限公司"
    assert item["category_name"] == "公共交通实时/实时位置"
    assert item["overdue"] is None  # only its unit sees its 更新时限
    one = api.get(f"/api/catalogue/{bus}").get_json()
    assert one["share_modes"] == ["api"] and one["status"] == "published"
    assert api_as("bus_data").get(f"/api/catalogue/{bus}").get_json()["overdue"] is False
    bad = api.get("/api/catalogue?share_type=maybe")
    assert bad.status_code == 400 and "share_type" in bad.get_json()["detail"]
    assert api.get("/api/catalogue/999999").status_code == 404
    assert api_as(None).get("/api/catalogue").status_code == 401


def test_create_and_patch_by_the_units_administrator(api_as, bus):  # type: ignore[no-untyped-def]
    brt = api_as("brt_data")
    created = brt.post("/api/catalogue", BODY)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["provider_unit"] == "METRO_BRT" and body["status"] == "draft"
    assert created.headers["Location"].endswith(f"/api/catalogue/{body['id']}")
    patched = brt.client.patch(
        f"/api/catalogue/{body['id']}", json={"data_format": "XML"}, headers=brt.headers()
    )
    assert patched.status_code == 200 and patched.get_json()["data_format"] == "XML"
    other = api_as("transport_handler")
    refused = other.client.patch(
        f"/api/catalogue/{bus}", json={"data_format": "XML"}, headers=other.headers()
    )
    assert refused.status_code == 403


def test_one_source_and_checks(api_as, bus):  # type: ignore[no-untyped-def]
    brt = api_as("brt_data")
    duplicate = brt.post("/api/catalogue", {**BODY, "name": "公交车辆实时GPS位置"})
    assert duplicate.status_code == 422
    assert "厦门公交集团有限公司" in duplicate.get_json()["detail"]
    wrong = brt.post("/api/catalogue", {**BODY, "share_type": "sometimes", "extra": 1})
    assert wrong.status_code == 422
    fields = {f["field"] for f in wrong.get_json()["fields"]}
    assert "share_type" in fields
    terms = brt.post("/api/catalogue", {**BODY, "name": "新资源", "share_type": "conditional"})
    assert terms.status_code == 422 and "使用要求" in terms.get_json()["detail"]
