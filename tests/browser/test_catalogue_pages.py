"""The catalogue in a real browser, on the demo's catalogue: a unit's data administrator finds
its overdue entry, records the update, edits and resubmits it; the center publishes it; another
unit reads it by names, with the place for a sharing request."""

from __future__ import annotations

from engine.catalogue_demo import seed_catalogue


def test_a_unit_keeps_its_entry_and_the_center_publishes_it(person, jtflow):  # type: ignore[no-untyped-def]
    list(seed_catalogue(jtflow))
    jtflow.clock.advance(days=3)  # the demo's daily feeds fall behind
    bus = person("bus_data")
    bus.locator("#nav-catalogue").click()
    bus.get_by_label("搜索").fill("公交")
    bus.locator("#filter-apply").click()
    assert "厦门公交集团有限公司" in bus.locator("#resources").inner_text()
    bus.screenshot_step(bus, "search")
    bus.get_by_role("link", name="公交IC卡刷卡明细").click()
    assert bus.locator("#overdue").is_visible()
    assert "有条件共享" in bus.locator("#field-share_type").inner_text()
    bus.screenshot_step(bus, "overdue-entry")
    bus.locator("#record-update").click()
    assert "已登记数据更新" in bus.get_by_role("status").inner_text()
    assert bus.locator("#overdue").count() == 0
    bus.locator("#edit-resource").click()
    bus.get_by_label("格式").fill("CSV（UTF-8）")
    bus.locator("#save-resource").click()
    bus.locator("#submit-resource").click()
    assert "已提交监测中心审核" in bus.get_by_role("status").inner_text()

    center = person("c_data")
    center.goto("/catalogue/review")
    center.screenshot_step(center, "review-queue")
    center.get_by_role("link", name="公交IC卡刷卡明细").click()
    center.locator("#publish-resource").click()
    assert "已发布到资源目录" in center.get_by_role("status").inner_text()

    brt = person("brt_data")
    brt.goto("/catalogue?category=transit.card")
    brt.get_by_role("link", name="公交IC卡刷卡明细").click()
    fields = brt.locator("#fields").inner_text()
    assert "公共交通实时/刷卡数据" in fields and "CSV（UTF-8）" in fields
    assert "BUS_GROUP" not in fields and "conditional" not in fields
    assert brt.locator("#request-slot").count() == 1 and brt.locator("#edit-resource").count() == 0
    assert "格式：CSV → CSV（UTF-8）" in brt.locator("#changes").inner_text()
    brt.screenshot_step(brt, "other-unit-reads")


def test_an_import_with_errors_names_row_and_column_and_the_list_reads_in_english(person, jtflow):  # type: ignore[no-untyped-def]
    list(seed_catalogue(jtflow))
    bus = person("bus_data")
    bus.goto("/catalogue")
    bus.locator("#import-resources").click()
    header = "分类,名称,提供部门,格式,属性,更新时限,共享类型,共享范围,共享方式,使用要求,来源系统"
    good = "公共交通实时/线路,夜间公交线路,,JSON,静态基础数据,每月,无条件共享,所有政务部门,文件下载,,公交智能调度系统"
    bad = "公共交通实时/线路,定制公交线路,,JSON,静态,每月,无条件共享,所有政务部门,传真,,公交智能调度系统"
    content = "\n".join([header, good, bad]).encode("utf-8")
    bus.locator("#f-file").set_input_files(
        {"name": "目录.csv", "mimeType": "text/csv", "buffer": content}
    )
    bus.locator("#import-submit").click()
    problems = bus.locator("#import-errors").inner_text()
    assert "第 3 行「属性」" in problems and "第 3 行「共享方式」" in problems
    assert "夜间公交线路" not in bus.content()
    bus.screenshot_step(bus, "import-errors")
    bus.goto("/catalogue?category=bridge_tunnel&lang=en")
    listed = bus.locator("#resources").inner_text()
    assert "Bridges and tunnels/Tolls" in listed and "Conditional sharing" in listed
    assert (
        "ROAD_BRIDGE" not in listed and "6 resources" in bus.locator("#resource-count").inner_text()
    )
    bus.screenshot_step(bus, "list-in-english")
    bus.goto("/catalogue?lang=zh")
