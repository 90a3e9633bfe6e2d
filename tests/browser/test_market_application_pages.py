"""An external applicant applies with its four documents in a real browser, the center and
the applicant work the application to a grant, and the applicant later files its usage
report with its results file (M1, M3, M5) — every step by its own person, a screenshot per
step."""

from __future__ import annotations

from tests import files
from tests.browser.steps import open_step, submit_task
from tests.market import resource

DOCUMENTS = {
    "application_letter": ("数据使用申请书.pdf", "application/pdf", files.pdf("申请书")),
    "confidentiality": ("数据保密承诺书.pdf", "application/pdf", files.pdf("承诺书")),
    "credit_code": ("统一社会信用代码.png", "image/png", files.PNG),
    "legal_rep_id": ("法定代表人身份证.jpg", "image/jpeg", files.JPEG),
}


def test_an_applicant_applies_with_four_documents_and_files_its_usage_report(  # type: ignore[no-untyped-def]
    person, jtflow, clock, shots
):
    shot = shots.take
    rid = resource(jtflow, "unconditional", name="公交线路及站点基础信息")

    # M1: the applicant fills the application and attaches the four documents
    page = person("xmu_lab")
    page.locator("#nav-start").click()
    page.locator("#start-market_application a").click()
    page.wait_for_url("**/market/new")
    page.locator("#organisation").fill("厦门大学交通研究中心")
    page.locator("#credit_code").fill("12350000426600329X")
    page.locator("#resource_id").select_option(str(rid))
    page.locator("#purpose").select_option("congestion_research")
    page.locator("#purpose_detail").fill("分析岛内公交线网与早高峰拥堵的关系。")
    page.locator("#scope").fill("厦门岛内公交线路，仅限本中心研究使用")
    page.locator("#data_items").fill("线路编号\n站点名称\n站点坐标")
    page.locator("#period_start").fill("2026-10-01")
    page.locator("#period_end").fill("2026-12-31")
    for kind, (name, media_type, content) in DOCUMENTS.items():
        page.locator(f"#doc_{kind}").set_input_files(
            {"name": name, "mimeType": media_type, "buffer": content}
        )
    shot(page, "application-by-xmu_lab")
    page.locator("#submit-application").click()
    page.wait_for_url("**/cases/*")
    case_no = page.locator("#case-no").inner_text()
    assert case_no.startswith("SC")
    assert page.locator("#case-organisation").inner_text() == "厦门大学交通研究中心"
    assert "公交集团" in page.locator("#case-resource").inner_text()
    assert "BUS_GROUP" not in page.inner_text("main")
    assert page.locator("#case-attachments li").count() == 4
    shot(page, "applied")

    # the center's 数据资源管理岗 checks the documents and accepts
    clock.advance(hours=2)
    center = person("c_data")
    open_step(center, case_no, "check_application")
    center.locator("#f-decision").select_option("accept")
    shot(center, "check-by-c_data")
    submit_task(center)

    # M3 (无条件共享): the applicant registers by real name
    clock.advance(hours=2)
    page.locator("#nav-inbox").click()
    open_step(page, case_no, "register_real_name")
    page.locator("#f-contact_name").fill("李研究")
    page.locator("#f-contact_phone").fill("0592-2180000")
    page.locator("#f-channel").select_option("secure_channel")
    page.locator("#f-accepts_terms").check()
    shot(page, "real-name-by-xmu_lab")
    submit_task(page)

    # the center grants access and records it
    clock.advance(hours=2)
    center.locator("#nav-inbox").click()
    open_step(center, case_no, "grant_access")
    center.locator("#f-service_mode").select_option("download")
    submit_task(center)

    # M5: later, the applicant files its usage report
    clock.advance(days=30)
    page.locator("#nav-inbox").click()
    open_step(page, case_no, "submit_usage_report")
    page.locator("#f-report_kind").select_option("research")
    page.locator("#f-summary").fill("完成岛内公交线网可达性分析，研究报告见附件。")
    page.locator("#f-report_file").set_input_files(
        {"name": "研究报告.pdf", "mimeType": "application/pdf", "buffer": files.pdf("报告")}
    )
    shot(page, "usage-report-by-xmu_lab")
    submit_task(page)
    page.goto(f"/cases/{case_no}")
    assert page.locator("#case-attachments li").count() == 5
    assert "研究报告.pdf" in page.locator("#case-attachments").inner_text()
    shot(page, "reported")
    page.locator("#nav-market").click()
    page.wait_for_url("**/market")
    assert case_no in page.inner_text("#applications")
    shot(page, "my-applications")

    # another applicant sees nothing of it
    other = person("mapco")
    other.locator("#nav-market").click()
    assert case_no not in other.inner_text("main")
    assert other.goto(f"/cases/{case_no}").status == 403
