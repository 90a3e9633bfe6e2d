"""The sharing pages in English: names and labels translated, the stored Chinese kept."""

from __future__ import annotations

import re

from tests.factories import resource
from tests.webui.pages import post, signed_in_as, text

FORM = {
    "purpose": "公交线网优化分析",
    "scope": "2026 年思明区公交线路",
    "data_items": "线路编号",
    "service_mode": "download",
}


def test_the_grants_page_reads_in_english(client, jtflow):
    resource_id = resource(jtflow, share_type="unconditional")
    signed_in_as(client, "highway_handler")
    post(client, f"/sharing/new?resource={resource_id}", FORM)
    client.get("/?lang=en")
    page = text(client.get("/sharing/grants"))
    table = re.search(r'<table class="tasks" id="sharing-grants">.*?</table>', page, re.S).group(0)
    assert "Sharing grants" in page and "File download" in table and "Use the data" in table
    headers = re.findall(r"<th>([^<]*)</th>", table)
    assert all(not re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers
    request_page = text(client.get(f"/sharing/new?resource={resource_id}"))
    assert "Purpose of use" in request_page and "Conditional" not in request_page
