"""The start page: the processes the signed-in person may start, each with what it is for.

Which ones is engine.people.starting's rule; a process whose pages are not part of this app
(its blueprint not registered) is left out rather than linked to nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, url_for
from flask_babel import lazy_gettext as _l

from engine.people.starting import startable_processes

from .auth import signed_in

start = Blueprint("start", __name__)

# process → (the view that starts it, its name, what it is for)
STARTS = {
    "event_lifecycle": (
        "report.new",
        _l("报送事件"),
        _l("登记监测或巡检发现的交通基础设施事件，转办承办单位处置。"),
    ),
    "sharing_request": (
        "sharing.new",
        _l("申请共享数据"),
        _l(
            "从资源目录选择其他单位的数据资源，申请共享使用；有条件共享由提供单位 10 个工作日内答复。"
        ),
    ),
    "market_application": (
        "market.new",
        _l("申请市场化应用"),
        _l("高等院校、科研院所和企业申请使用交通数据资源，附申请书、保密承诺书等材料。"),
    ),
    "interface_notice": (
        "notices.new",
        _l("报送接口通知"),
        _l(
            "本单位数据接口因升级停用（提前 3 个工作日）或因故障、不可抗力中断（1 个工作日内）时告知监测中心，"
            "随后修复、确认并补传缺失数据。"
        ),
    ),
    "knowledge_revision": (
        "knowledge.new_change",
        _l("登记职能或政策调整"),
        _l(
            "因职能或政策调整产生新知识的，5 个工作日内报送监测中心，审核后作为知识库条目的新版本入库。"
        ),
    ),
}


@start.route("/start")
@signed_in
def index() -> Any:
    offered = [
        {"process": process, "href": url_for(view), "name": name, "purpose": purpose}
        for process in startable_processes(g.user)
        for view, name, purpose in [STARTS[process]]
        if view in current_app.view_functions
    ]
    return render_template("start.html", offered=offered)
