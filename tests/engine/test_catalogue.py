"""D1, D2, O5: entries made by their unit's registered data administrator, checked field by
field, one data one source, published by the center, every change logged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.catalogue_demo import check_demo_catalogue
from engine.data import catalogue
from engine.data.catalogue_search import CatalogueQuery, search
from engine.data.categories import CATEGORIES, TOPS, category_of
from engine.data.fields import FIELD_NAMES, check_entry
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.models import Resource, ResourceChange
from engine.people.users import add_user, get_user
from tests.data_factories import entry, registered


@pytest.fixture
def db(jtflow):  # type: ignore[no-untyped-def]
    registered(jtflow)
    with jtflow.sessions() as session:
        yield session


def user(db, name):  # type: ignore[no-untyped-def]
    return get_user(db, name)


def made(db, jtflow, who="bus_data", **changes):  # type: ignore[no-untyped-def]
    resource = catalogue.create(db, user(db, who), jtflow.clock.now(), entry(**changes))
    db.commit()
    return resource


def test_the_category_tree_is_the_standards_six_with_their_leaves():
    assert list(TOPS.values()) == ["公共交通实时", "客运", "货运", "公路", "桥隧", "执法"]
    assert len(CATEGORIES) == 6 + 4 + 5 + 3 + 3 + 4
    assert category_of("桥隧/四桥一隧卡口和视频").code == "bridge_tunnel.checkpoint_video"
    assert category_of("transit.card").name == "刷卡数据"
    assert category_of("公交") is None


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("category", "公交/线路", "请从 D2 的分类中选择"),
        ("name", "", "必填"),
        ("name", "甲" * 201, "最多 200 个字"),
        ("name", "两行\n名称", "控制字符"),
        ("data_format", " ", "必填"),
        ("attribute", "静态", "静态基础数据、动态数据、音视频数据"),
        ("update_period", "每小时", "实时、每日"),
        ("share_type", "共享", "无条件共享、有条件共享、不予共享"),
        ("share_scope", "", "须写明共享范围"),
        ("share_modes", "邮寄", "“邮寄”不是共享方式"),
        ("share_modes", "", "至少选一种"),
        ("usage_requirements", "", "须写明提供的条件"),
        ("source_system", "", "必填"),
    ],
)
def test_every_field_is_checked_and_named(field, value, said):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        check_entry(entry(**{field: value}))
    (error,) = refused.value.errors
    assert error.field == field
    assert error.message.startswith(FIELD_NAMES[field] + "：")
    assert said in error.message


def test_a_resource_not_shared_takes_no_modes_and_reads_codes_or_names():
    checked = check_entry(
        entry(share_type="none", share_modes="", share_scope="", usage_requirements="")
    )
    assert checked.share_type == "none" and checked.share_modes == ()
    with pytest.raises(InvalidInput, match="不予共享的资源不提供共享方式"):
        check_entry(entry(share_type="none"))
    both = check_entry(entry(share_modes=["browse", "接口交换", "api"], attribute="dynamic"))
    assert both.share_modes == ("api", "browse") and both.attribute == "dynamic"


def test_a_unit_administrator_creates_a_draft_of_its_own_unit_and_it_is_logged(db, jtflow):  # type: ignore[no-untyped-def]
    resource = made(db, jtflow)
    assert (resource.provider_unit, resource.status) == ("BUS_GROUP", "draft")
    assert resource.category == "transit.position" and resource.share_modes == ["api"]
    (change,) = catalogue.changes_of(db, resource.id)
    assert (change.actor, change.action) == ("bus_data", "created")
    assert change.data["name"] == [None, "公交车辆实时GPS位置"]


def test_only_the_registered_administrator_maintains_a_units_entries(db, jtflow):  # type: ignore[no-untyped-def]
    resource = made(db, jtflow)
    now = jtflow.clock.now()
    with pytest.raises(NotFound):  # another unit's draft does not show that it exists
        catalogue.edit(db, user(db, "brt_data"), now, resource.id, {"data_format": "XML"})
    catalogue.submit(db, user(db, "bus_data"), now, resource.id)
    catalogue.publish(db, user(db, "c_data"), now, resource.id)
    for other in ("brt_data", "bus_handler", "auditor", "c_data"):
        with pytest.raises(PermissionDenied, match="登记在册的数据资源管理员"):
            catalogue.edit(db, user(db, other), now, resource.id, {"data_format": "XML"})
    with pytest.raises(PermissionDenied):  # the role alone is not the register (O5)
        catalogue.create(db, user(db, "bus_handler"), now, entry(name="另一个"))


def test_one_data_one_source_names_the_first_and_its_unit(db, jtflow):  # type: ignore[no-untyped-def]
    first = made(db, jtflow)
    with pytest.raises(InvalidInput) as refused:
        catalogue.create(db, user(db, "brt_data"), jtflow.clock.now(), entry())
    assert "厦门公交集团有限公司" in str(refused.value)
    assert f"资源编号 {first.id}" in str(refused.value)
    assert refused.value.errors[0].field == "name"
    db.rollback()
    second = made(db, jtflow, name="BRT车辆实时位置", who="brt_data")
    with pytest.raises(InvalidInput, match="一数一源"):  # renaming onto the first is refused too
        catalogue.edit(
            db, user(db, "brt_data"), jtflow.clock.now(), second.id, {"name": first.name}
        )
    db.rollback()
    assert db.scalar(select(func.count(Resource.id))) == 2


def test_submit_publish_send_back_and_edit_of_a_published_entry(db, jtflow):  # type: ignore[no-untyped-def]
    resource = made(db, jtflow)
    maker, center = user(db, "bus_data"), user(db, "c_data")
    with pytest.raises(PermissionDenied, match="数据资源管理岗"):
        catalogue.publish(db, maker, jtflow.clock.now(), resource.id)
    with pytest.raises(Conflict, match="待审核"):
        catalogue.publish(db, center, jtflow.clock.now(), resource.id)
    catalogue.submit(db, maker, jtflow.clock.now(), resource.id)
    with pytest.raises(InvalidInput, match="退回须写明原因"):
        catalogue.send_back(db, center, jtflow.clock.now(), resource.id, " ")
    catalogue.send_back(db, center, jtflow.clock.now(), resource.id, "共享范围写得不具体")
    assert resource.status == "draft"
    catalogue.submit(db, maker, jtflow.clock.now(), resource.id)
    catalogue.publish(db, center, jtflow.clock.now(), resource.id)
    assert resource.status == "published" and resource.published_by == "c_data"
    changed = catalogue.edit(db, maker, jtflow.clock.now(), resource.id, {"data_format": "XML"})
    assert changed == {"data_format": ["JSON", "XML"], "status": ["published", "draft"]}
    assert catalogue.edit(db, maker, jtflow.clock.now(), resource.id, {"data_format": "XML"}) == {}
    db.commit()
    actions = [c.action for c in catalogue.changes_of(db, resource.id)]
    assert actions == ["created", "submitted", "returned", "submitted", "published", "edited"]
    returned = catalogue.changes_of(db, resource.id)[2]
    assert returned.data["reason"] == "共享范围写得不具体"


def test_others_read_published_entries_only_and_search_finds_them(db, jtflow):  # type: ignore[no-untyped-def]
    draft = made(db, jtflow, name="公交草稿资源")
    shown = made(db, jtflow, name="公交到站预报", category="公共交通实时/到站信息")
    catalogue.submit(db, user(db, "bus_data"), jtflow.clock.now(), shown.id)
    catalogue.publish(db, user(db, "c_data"), jtflow.clock.now(), shown.id)
    db.commit()
    other = user(db, "brt_data")
    with pytest.raises(NotFound):
        catalogue.read_resource(db, other, draft.id)
    assert catalogue.read_resource(db, user(db, "bus_handler"), draft.id) is not None
    names = [r.name for r, _ in search(db, other, CatalogueQuery()).rows]
    assert names == ["公交到站预报"]
    own = search(db, user(db, "bus_handler"), CatalogueQuery(q="公交"))
    assert own.total == 2
    by_top = search(db, user(db, "auditor"), CatalogueQuery(category="transit"))
    assert by_top.total == 2
    by_leaf = search(
        db, other, CatalogueQuery(category="transit.arrival", share_type="conditional")
    )
    assert [(r.name, unit) for r, unit in by_leaf.rows] == [
        ("公交到站预报", "厦门公交集团有限公司")
    ]
    assert search(db, other, CatalogueQuery(q="调度系统")).total == 1  # the source system
    assert search(db, other, CatalogueQuery(q="100%")).total == 0  # % is text, not a wildcard
    with pytest.raises(InvalidInput, match="分类 公交 不存在"):
        search(db, other, CatalogueQuery(category="公交"))


def test_paging(db, jtflow):  # type: ignore[no-untyped-def]
    for number in range(5):
        made(db, jtflow, name=f"资源{number}")
    first = search(db, user(db, "bus_data"), CatalogueQuery(per_page=2))
    last = search(db, user(db, "bus_data"), CatalogueQuery(per_page=2, page=3))
    assert (first.total, first.pages, len(first.rows), len(last.rows)) == (5, 3, 2, 1)


def test_the_demo_catalogue_covers_every_leaf_and_providing_unit():
    check_demo_catalogue()


def test_the_change_log_is_append_only_in_order(db, jtflow):  # type: ignore[no-untyped-def]
    resource = made(db, jtflow)
    catalogue.record_data_update(db, user(db, "bus_data"), jtflow.clock.now(), resource.id)
    db.commit()
    rows = db.scalars(select(ResourceChange).order_by(ResourceChange.id)).all()
    assert [r.action for r in rows] == ["created", "data_updated"]
    assert rows[1].data["data_updated_at"][0] is None


def test_external_applicants_are_not_offered_what_is_not_shared(db, jtflow):  # type: ignore[no-untyped-def]
    add_user(db, "uni", "厦门大学课题组", "EXTERNAL", [])  # by unit, whatever its roles
    maker, center = user(db, "bus_data"), user(db, "c_data")
    kept = made(
        db, jtflow, name="不共享的资源", share_type="不予共享", share_modes="", share_scope=""
    )
    offered = made(db, jtflow, name="共享的资源")
    for resource in (kept, offered):
        catalogue.submit(db, maker, jtflow.clock.now(), resource.id)
        catalogue.publish(db, center, jtflow.clock.now(), resource.id)
    db.commit()
    applicant = user(db, "uni")
    assert [r.name for r, _ in search(db, applicant, CatalogueQuery()).rows] == ["共享的资源"]
    with pytest.raises(NotFound):
        catalogue.read_resource(db, applicant, kept.id)
    assert search(db, user(db, "brt_data"), CatalogueQuery()).total == 2
