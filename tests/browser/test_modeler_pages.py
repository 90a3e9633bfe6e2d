"""The process owner's modeler in real Chromium (issue 14): a step's unit and its deadline
changed in the properties panel, a mistake checked and shown on its element, fixed, the
running case's migration previewed, the draft deployed and the two versions compared; a
decision table's row edited in dmn-js; a form field added with the live preview. All on the
real backend (webui/modeler_api.py) — nothing here stands in for it."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from sqlalchemy import select

from engine.models import Definition
from tests.browser.steps import as_user
from tests.browser.test_content_security_pages import violations, watched
from tests.engine.test_case_migration import waiting_at_sign_for
from tests.engine.test_draft_trial import closed_case
from tests.factories import report, task_at
from webui.modeler import bundle_built

pytestmark = pytest.mark.skipif(
    not bundle_built(), reason="the modeler's bundle is not built: run `npm ci && npm run build`"
)

WIDE = {"width": 1500, "height": 1000}
LIFECYCLE = "/processes/event_lifecycle"


def open_modeler(page: Any) -> None:
    page.set_viewport_size(WIDE)
    as_user(page, "owner")
    page.locator("#nav-processes").click()
    page.locator("#edit-event_lifecycle").click()
    page.locator("#modeler-page[data-state=ready]").wait_for()


def select_element(page: Any, element_id: str) -> None:
    """Through the page's 查找元素 list, as an owner finds a step on the large diagram."""
    page.locator("#find-element").select_option(element_id)
    page.locator(f'g.djs-element.selected[data-element-id="{element_id}"]').wait_for()


def panel_input(page: Any, entry_id: str) -> Any:
    return page.locator(f"#bio-properties-panel-{entry_id}")


def versions(jtflow: Any) -> list[int]:
    with jtflow.sessions() as session:
        return list(session.scalars(select(Definition.version).order_by(Definition.version)))


def test_the_owner_edits_checks_fixes_deploys_and_compares(page, jtflow):  # type: ignore[no-untyped-def]
    case = waiting_at_sign_for(jtflow)
    said = watched(page)
    open_modeler(page)
    assert "尚无草稿" in page.locator("#draft-facts").inner_text()
    page.screenshot_step(page, "modeler-opened")

    select_element(page, "sign_for")
    unit = panel_input(page, "jt-unit")
    assert unit.locator("option:checked").inner_text() == "按表达式决定…"
    unit.select_option(label="厦门公交集团有限公司")  # by name, never by code
    assert panel_input(page, "jt-unit-expression").count() == 0
    deadline = panel_input(page, "jt-watched-deadline")
    assert deadline.input_value() == "add_working_days(transferred_at, 1)"
    deadline.fill("add_working_days(transferred_at, 2) + __import__('os').sep")  # a mistake
    page.screenshot_step(page, "unit-and-deadline-changed")

    page.locator("#check").click()
    page.locator("#modeler-page[data-checked=problems]").wait_for()
    marked = page.locator('g.djs-element.jt-problem[data-element-id="timer_sign_for"]')
    assert marked.count() == 1, page.locator("#problems").inner_text()
    problem = page.locator('#problem-list li[data-element-id="timer_sign_for"]').first
    assert "1个工作日" in problem.inner_text()  # named, not only by id
    assert page.locator("#deploy").is_disabled()
    page.screenshot_step(page, "problem-marked")

    problem.locator("button").click()  # the element in the list → selected on the canvas
    page.locator('g.djs-element.selected[data-element-id="timer_sign_for"]').wait_for()
    assert "__import__" in panel_input(page, "jt-timer-expression").input_value()
    select_element(page, "sign_for")  # fixed where it was made: both timers follow
    panel_input(page, "jt-watched-deadline").fill("add_working_days(transferred_at, 2)")
    page.locator("#check").click()
    page.locator("#modeler-page[data-checked=clean]").wait_for()
    assert page.locator("g.djs-element.jt-problem").count() == 0
    preview = page.locator(f"#migrates-{case.case_no}")
    assert "签收" in preview.inner_text()  # the step by name, its deadlines moved
    page.screenshot_step(page, "checked-clean-with-migration-preview")

    page.locator("#deploy-note").fill("签收放宽为两个工作日，改由公交集团办理")
    page.locator("#deploy").click()
    page.locator("#deployed").wait_for()
    assert versions(jtflow) == [1, 2]
    with jtflow.sessions() as session:
        v2 = session.scalar(select(Definition).where(Definition.version == 2))
        assert v2 is not None and v2.deployed_by == "owner"
    page.screenshot_step(page, "deployed")

    page.locator("#deployed a", has_text="与上一版本比较").click()
    page.locator("#compare-page[data-state=ready]").wait_for()
    changed = page.locator('#change-list li.changed[data-element-id="sign_for"]')
    assert "办理单位：=handling_unit → 厦门公交集团有限公司" in changed.inner_text()  # by name
    timer = page.locator('#change-list li.changed[data-element-id="timer_sign_for"]')
    assert "1个工作日 · 签收" in timer.inner_text()  # a timer with the step it watches
    assert "add_working_days(transferred_at, 2)" in timer.inner_text()
    assert (
        page.locator('#diagram-b g.djs-element.jt-changed[data-element-id="sign_for"]').count() == 1
    )
    page.screenshot_step(page, "compared")
    assert violations(page, said) == []

    page.goto(f"{LIFECYCLE}/1")  # the running case moved onto v2, previewed first
    page.locator("#migrate-preview").click()
    assert "2026-09-30 09:00" in page.locator(f"#preview-{case.case_no}").inner_text()
    page.locator("#migrate-confirm").click()
    assert "已迁移 1 个案件" in page.get_by_role("status").inner_text()
    as_user(page, "bus_handler")  # the handler's step now runs on the new version's deadline
    page.goto(f"/tasks/{task_at(jtflow, case, 'sign_for').id}")
    assert "时限 2026-09-30 09:00" in page.locator("main").inner_text()
    page.screenshot_step(page, "handler-on-new-version")


def test_a_malicious_script_is_refused_at_check_and_at_deploy(page, jtflow):  # type: ignore[no-untyped-def]
    open_modeler(page)
    select_element(page, "use_fallback")
    script = panel_input(page, "jt-script")
    script.fill('handling_unit = fallback_unit\n__import__("os").system("id")')
    page.locator("#check").click()
    page.locator("#modeler-page[data-checked=problems]").wait_for()
    assert page.locator('g.djs-element.jt-problem[data-element-id="use_fallback"]').count() == 1
    assert (
        "转兜底单位"
        in page.locator('#problem-list li[data-element-id="use_fallback"]').first.inner_text()
    )
    assert page.locator("#deploy").is_disabled()
    refused = page.evaluate(  # past the disabled button, straight to the server
        """() => fetch('/api/processes/event_lifecycle/draft/deploy', {method: 'POST',
             headers: {'Content-Type': 'application/json',
                       'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content},
             body: JSON.stringify({note: 'x'})}).then(r => r.status)"""
    )
    assert refused == 422 and versions(jtflow) == [1]
    page.screenshot_step(page, "malicious-script-refused")


def test_a_decision_table_row_edited_in_dmn_js(page, jtflow):  # type: ignore[no-untyped-def]
    open_modeler(page)
    form_link = page.locator("#forms-list a", has_text="签收").first  # forms, by title
    assert form_link.get_attribute("href") == "/forms/sign_for/editor"
    page.locator("#file-tabs button", has_text="event_routing.dmn").click()
    cell = page.locator('#dmn-canvas td[data-element-id="event_routing_table_r01_out1"]')
    cell.wait_for()
    cell.click()
    page.keyboard.press("Control+a")
    page.keyboard.type('"HIGHWAY_DEV"')
    page.locator("#modeler-page h1").click()  # leave the cell
    page.screenshot_step(page, "dmn-row-edited")
    page.locator("#check").click()  # saves the draft first
    page.locator("#modeler-page[data-checked=clean]").wait_for()
    draft = page.evaluate("fetch('/api/processes/event_lifecycle/draft').then(r => r.json())")
    assert '"HIGHWAY_DEV"' in draft["files"]["event_routing.dmn"]
    assert '"ROAD_BRIDGE"' not in draft["files"]["event_routing.dmn"].split("r01_out1")[1][:80]
    page.locator("#deploy").click()
    page.locator("#deployed").wait_for()
    assert versions(jtflow) == [1, 2]

    # the next event on 厦漳高速 runs on v2: its 分类转办 suggests the row's new unit (E2)
    case = report(jtflow, facility={"type": "expressway", "name": "厦漳高速"})
    as_user(page, "c_12328")  # 分类转办 is the 投诉受理岗's
    page.goto(f"/tasks/{task_at(jtflow, case, 'classify').id}")
    page.locator("#f-decision").select_option("transfer")
    lead = page.locator("#f-lead_unit")
    lead.wait_for()  # shown once 转办 is chosen
    assert lead.input_value() == "HIGHWAY_DEV"
    assert lead.locator("option:checked").inner_text() == "市公路事业发展中心"
    page.screenshot_step(page, "classify-follows-the-edited-row")


def test_a_form_field_added_with_the_live_preview(page, jtflow):  # type: ignore[no-untyped-def]
    said = watched(page)
    page.set_viewport_size(WIDE)
    as_user(page, "owner")
    page.goto("/forms/sign_for/editor")
    page.locator("#form-editor-page[data-state=ready]").wait_for()
    assert page.locator("#form-preview #f-accept").count() == 1
    assert page.locator("#form-name").inner_text() == "编辑表单：签收"  # by title, not file
    page.get_by_role("button", name="添加字段").click()
    page.locator("#schema-editor .je-tab--top").nth(2).click()  # the new field's tab
    page.locator('[name="root[fields][2][key]"]').fill("remark")
    page.locator('[name="root[fields][2][title]"]').fill("备注")
    page.locator('[name="root[fields][2][kind]"]').select_option(label="多行文本")
    page.locator('[name="root[fields][2][description]"]').fill("需要补充说明时填写")
    page.locator("#form-preview textarea#f-remark").wait_for()  # the live preview follows
    assert "备注" in page.locator("#f-remark-field").inner_text()
    page.screenshot_step(page, "form-field-added")
    page.locator("#form-deploy-note").fill("签收加备注")
    page.locator("#form-deploy").click()
    page.locator("#form-status:not([hidden])").wait_for()
    assert "表单已部署为 v1" in page.locator("#form-status").inner_text()
    schema = jtflow.forms.schema("sign_for")  # what handlers' task pages draw from now on
    assert schema["properties"]["remark"]["x-widget"] == "textarea"
    assert schema["properties"]["accept"]["oneOf"][1]["title"] == "申请退回"  # kept as it was
    assert violations(page, said) == []  # json-editor's styles and the preview under the CSP

    case = waiting_at_sign_for(jtflow)  # the handler's 签收 page draws the new field
    as_user(page, "bus_handler")
    page.goto(f"/tasks/{task_at(jtflow, case, 'sign_for').id}")
    assert "备注" in page.locator("#f-remark-field").inner_text()
    assert "需要补充说明时填写" in page.locator("#f-remark-field").inner_text()
    page.screenshot_step(page, "handler-sees-the-new-field")


def test_the_panel_header_and_the_lint_badge_are_in_chinese(page, jtflow):  # type: ignore[no-untyped-def]
    """What bpmn-js-i18n-zh leaves in English (the header's element type, bpmnlint's badge)
    is in Chinese too: a process owner reads 协作 and 用户任务, not COLLABORATION."""
    open_modeler(page)
    header = page.locator(".bio-properties-panel-header-type")
    assert header.inner_text().strip() == "协作"
    select_element(page, "sign_for")
    assert header.inner_text().strip() == "用户任务"
    badge = page.locator(".bjsl-button").inner_text()
    assert "Errors" not in badge and "Issues" not in badge
    assert "没有问题" in badge or "个错误" in badge, badge
    page.screenshot_step(page, "modeler-header-and-lint-in-chinese")


def test_the_modeler_in_english(page, jtflow):  # type: ignore[no-untyped-def]
    page.set_viewport_size(WIDE)
    as_user(page, "owner")
    page.goto(f"{LIFECYCLE}/modeler?lang=en")
    page.locator("#modeler-page[data-state=ready]").wait_for()
    select_element(page, "sign_for")
    assert page.locator("#properties-panel").get_by_text("Handling unit").count() == 1
    units = page.locator("#bio-properties-panel-jt-unit option").all_inner_texts()
    assert "Xiamen Bus Group Co., Ltd." in units  # the choices by name, in English
    assert page.locator("#draft-facts").inner_text().startswith("No draft")
    page.screenshot_step(page, "modeler-in-english")


def test_a_draft_tried_on_history_names_the_cases_that_would_turn_red(page, jtflow, clock):  # type: ignore[no-untyped-def]
    quick = closed_case(jtflow, clock, signed_after_hours=2)
    slow = closed_case(jtflow, clock, signed_after_hours=6)
    open_modeler(page)
    select_element(page, "sign_for")
    panel_input(page, "jt-watched-deadline").fill("add_hours(transferred_at, 4)")
    page.locator("#trial-cases").fill("10")
    page.locator("#trial").click()  # saves the draft, starts the trial, polls it
    summary = page.locator("#trial-summary")
    summary.wait_for(timeout=30_000)
    page.screenshot_step(page, "trial-results")
    assert "2 个案件中有 2 个与实际办理不同" in summary.inner_text()  # both deadlines moved
    assert "2 个案件中有 1 个会在“签收”变红" in page.locator("#trial-red").inner_text()
    assert page.locator(f"#trial-{slow.case_no} td").nth(2).inner_text() == "签收"
    assert page.locator(f"#trial-{quick.case_no} td").nth(2).inner_text() == "—"
    assert versions(jtflow) == [1]  # nothing deployed, nothing written


def test_a_file_downloaded_and_uploaded_again(page, jtflow, tmp_path):  # type: ignore[no-untyped-def]
    """For owners who use a desktop modeler: the shown file out, an edited one back in."""
    open_modeler(page)
    with page.expect_download() as download:
        page.locator("#download").click()
    assert download.value.suggested_filename == "event_lifecycle.bpmn"
    saved = tmp_path / "event_lifecycle.bpmn"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert 'name="签收"' in text and "formJsonSchemaFilename" in text  # the extensions kept
    assert "<bpmn:loopDataInputRef>co_units</bpmn:loopDataInputRef>" in text
    saved.write_text(text.replace('name="签收"', 'name="签收确认"'), encoding="utf-8")
    page.locator("#upload-file").set_input_files(str(saved))
    page.locator("#find-element option", has_text="签收确认").first.wait_for(state="attached")
    assert page.locator("#modeler-page").get_attribute("data-dirty") == "true"
    page.locator("#save").click()
    page.locator("#modeler-page[data-dirty=false]").wait_for()
    draft = page.evaluate("fetch('/api/processes/event_lifecycle/draft').then(r => r.json())")
    assert 'name="签收确认"' in draft["files"]["event_lifecycle.bpmn"]

    page.once("dialog", lambda dialog: dialog.accept())  # 放弃草稿？ — yes
    page.locator("#discard").click()
    page.locator("#modeler-status", has_text="草稿已放弃").wait_for()
    assert page.locator("#draft-facts").inner_text().startswith("尚无草稿")
    assert page.locator("#find-element option", has_text="签收确认").count() == 0


def test_pages_ask_for_the_build_when_the_bundle_is_missing(page, jtflow, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(import_module("webui.modeler"), "bundle_built", lambda: False)
    as_user(page, "owner")
    page.goto(f"{LIFECYCLE}/modeler")
    assert "npm ci && npm run build" in page.locator("#bundle-missing").inner_text()
