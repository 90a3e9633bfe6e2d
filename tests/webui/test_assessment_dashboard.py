"""The dashboard on the 考核评价 page (issue 15 item 4): its data and texts as JSON blocks
the script reads (no inline script under the CSP), units and steps by name in the reader's
language, a unit leader's page with their unit only, and ECharts served from node_modules."""

from __future__ import annotations

import json
import re

import pytest

from engine.config import Settings
from tests.assessment_cases import AS_OF, play
from tests.webui.pages import signed_in_as, text
from webui import create_app


@pytest.fixture
def played(jtflow, clock):  # type: ignore[no-untyped-def]
    cases = play(jtflow, clock)
    clock.set(AS_OF)
    return cases


def block(page: str, name: str):  # type: ignore[no-untyped-def]
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)
    assert found, name
    return json.loads(found[1])


def test_the_page_carries_the_charts_data_and_texts(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    response = client.get("/assessment?period=2026-Q3")
    page = text(response)
    data, texts = block(page, "dashboard-data"), block(page, "dashboard-texts")
    lit = [u["name"] for u in data["lights_by_unit"]]
    assert lit[0] == "市运输事业发展中心"
    # the 催办 and 督办 are watched steps of the center and the office too (E12)
    assert {"厦门公交集团有限公司", "局办公室", "市交通运行监测指挥中心"} <= set(lit)
    assert [s["name"] for s in data["open_steps"]] == [
        "办理答复",
        "归档",
        "超期督办",
        "电话报告",
        "催办",
    ]
    assert texts["lights_title"] == "各单位黄灯、红灯" and texts["months"][8] == "9月"
    # every script is a file of this site or a JSON block: nothing inline to run
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    ranked = re.findall(r'<tr id="rank-([A-Z_]+)">', page)
    assert ranked[:2] == ["CENTER", "BUS_GROUP"] and "TRANSPORT_DEV" in ranked
    assert 'id="chart-lights"' in page and "/assets/echarts/echarts.min.js" in page


def test_in_english_every_chart_text_and_name(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    page = text(client.get("/assessment?period=2026-Q3&lang=en"))
    data, texts = block(page, "dashboard-data"), block(page, "dashboard-texts")
    assert "Xiamen Bus Group Co., Ltd." in [u["name"] for u in data["lights_by_unit"]]
    assert data["open_steps"][0]["name"] == "Handle and reply"
    assert (texts["lights_title"], texts["yellow"], texts["months"][0]) == (
        "Yellow and red lights by unit",
        "Yellow lights",
        "Jan",
    )
    han = re.compile(r"[\u4e00-\u9fff]")
    assert not [v for v in texts.values() if isinstance(v, str) and han.search(v)]
    assert "Ranking by score" in page


def test_a_unit_leaders_dashboard_is_their_units(client, played):  # type: ignore[no-untyped-def]
    signed_in_as(client, "bus_leader")
    page = text(client.get("/assessment?period=2026-Q3"))
    data = block(page, "dashboard-data")
    assert data["unit"] == "BUS_GROUP"
    assert [u["unit"] for u in data["lights_by_unit"]] == ["BUS_GROUP"]
    assert re.findall(r'<tr id="rank-([A-Z_]+)">', page) == ["BUS_GROUP"]
    assert data["months"][2]["feedback_on_time_rate"] == 1.0
    assert client.get("/assessment?period=2026-Q3&unit=TRANSPORT_DEV").status_code == 403


def test_echarts_is_served_from_node_modules(client):  # type: ignore[no-untyped-def]
    response = client.get("/assets/echarts/echarts.min.js")
    assert response.status_code == 200 and "javascript" in response.mimetype
    assert b"echarts" in response.data[:2000]
    response.close()


def test_a_missing_chart_library_is_a_404_saying_how_to_install_it(db_url, jtflow, tmp_path):  # type: ignore[no-untyped-def]
    app = create_app(
        Settings(database_url=db_url),
        jtflow=jtflow,
        config={"TESTING": True, "JTFLOW_NODE_MODULES": str(tmp_path / "none")},
    )
    response = app.test_client().get("/assets/echarts/echarts.min.js")
    assert response.status_code == 404 and "npm ci" in text(response)


@pytest.mark.parametrize(
    ("figure", "chinese", "english"),
    [
        ("lights.red", "红灯（全部被监察步骤）", "Red lights (every watched step)"),
        ("open.handle_reply", "未办结：办理答复", "Still open: Handle and reply"),
        ("closed_wd.3-5", "办结用时 3–5 个工作日", "Closed in 3–5 working days"),
        ("closed_wd.20-", "办结用时不少于 20 个工作日", "Closed in 20 working days or more"),
        ("light.sign_for.yellow", "签收 · 黄灯", "Sign for · yellow"),
        ("sign_for_late", "签收超时", "Signed for late"),
    ],
)
def test_the_cases_page_names_the_figure_in_words(client, figure, chinese, english):  # type: ignore[no-untyped-def]
    signed_in_as(client, "c_analyst")
    url = f"/assessment/cases?period=2026-Q3&figure={figure}"
    for lang, name in (("zh", chinese), ("en", english)):
        page = text(client.get(f"{url}&lang={lang}"))
        found = re.search(r'<span id="figure-name" data-figure="([^"]+)">([^<]+)</span>', page)
        assert found and found.groups() == (figure, name), lang
