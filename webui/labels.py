"""Chinese names (translated by Flask-Babel) for the codes the engine stores, and the
texts of processes/ and forms/ in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, pgettext
from flask_babel import lazy_gettext as _l

from engine.definitions.element_names import ElementName
from engine.errors import FieldError
from engine.people.reference import ORGANISATIONS
from engine.record.divergence import DATA_ITEM, FIELD_NAMES, KIND_NAMES, Divergence

URGENCY = {
    "critical": _l("特别紧急"),
    "urgent": _l("紧急"),
    "pressing": _l("较急"),
    "normal": _l("一般"),
}
CHANNEL = {
    "monitoring": _l("运行监测"),
    "opinion": _l("舆情监测"),
    "hotline_12328": _l("12328热线"),
    "platform_12345": _l("12345平台"),
    "public_safety": _l("城市公共安全平台"),
    "duty_phone": _l("值班电话"),
    "patrol": _l("业务单位日常巡检"),
    "sharing_request": _l("数据共享申请"),  # the other processes' cases (engine.service.start_case)
    "market_application": _l("市场化应用申请"),
    "interface_notice": _l("接口通知"),
    "knowledge_revision": _l("知识库"),
}
LIGHT = {"green": _l("绿灯"), "yellow": _l("黄灯"), "red": _l("红灯")}
STATUS = {  # the end events' case_status (engine.run.runtime) and "running" before one is reached
    "running": _l("办理中"),
    "archived": _l("已归档"),
    "returned": _l("已退件"),
    "recorded": _l("已办结备案"),
    "completed": _l("已办结"),
    "granted": _l("已授权"),
    "refused": _l("不予共享"),
    "checked": _l("校核完成"),
    "published": _l("已入库"),
}
SHARE_TYPE = {  # 共享类型 (D3–D5)
    "unconditional": _l("无条件共享"),
    "conditional": _l("有条件共享"),
    "none": _l("不予共享"),
}
SERVICE_MODE = {  # 共享方式 (D6)
    "api": _l("接口交换"),
    "download": _l("文件下载"),
    "browse": _l("在线浏览"),
    "offline": _l("离线交换"),
}
UNIT_NAMES = {code: name for code, name, _ in ORGANISATIONS}
HISTORY = {kind: _l(name) for kind, name in KIND_NAMES.items()}  # the engine names them too


def unit_name(code: str | None) -> str:
    """A unit by its name in the reader's language (SPEC §1), never its code on a page."""
    return translated(UNIT_NAMES.get(code or "", code or "—"))


def label(table: dict[str, object], code: str | None) -> str:
    """The name of a code, or the code itself when it has none (never an error on a page)."""
    return str(table.get(code or "", code or "—"))


def translated(text: str | None) -> str:
    """A step name or form text written in processes/ or forms/, in the reader's language:
    its msgstr in the catalog (tools/diagram_messages.py lists them), else as written, so a
    step a process owner renames still shows. Stored rows keep the Chinese."""
    return gettext(text) if text else ""  # gettext("") is the catalog's header


def post_name(role: str | None) -> str:
    """A post (岗位) or role as a diagram or a user's row names it, in the reader's language:
    its msgstr in the catalog's "post" context (办理人 is a handler there, not the "Who" of a
    column heading), else as written."""
    return pgettext("post", role) if role else ""


def said(error: FieldError) -> str:
    """A field's error in the reader's language: its template translated, its title and
    values put in (webui.labels.translated); an error without a template as the engine said."""
    if not error.template:
        return error.message
    return gettext(error.template).format(*(translated(arg) for arg in error.args))


def element_label(names: dict[str, ElementName], element_id: str | None) -> str:
    """An element by its diagram name in the reader's language, a boundary timer with the
    step it watches (签收 · 黄灯); an element without a name by its id."""
    found = names.get(element_id or "")
    if found is None:
        return element_id or ""
    if found.attached_to:
        return f"{element_label(names, found.attached_to)} · {translated(found.name)}"
    return translated(found.name)


def said_divergence(divergence: Divergence, names: dict[str, ElementName]) -> list[str]:
    """Why a replay differs from the record (engine.record.divergence), sentence by sentence in the
    reader's language: the event by its kind and diagram name, the field by its name."""

    def event_name(kind: str | None, element_id: str | None) -> str:
        name = label(HISTORY, kind)
        if not element_id:
            return name
        return gettext("{kind}：{element}").format(
            kind=name, element=element_label(names, element_id)
        )

    def field_name(field: str) -> str:
        if field.startswith("data."):
            return gettext(DATA_ITEM).format(key=field.removeprefix("data."))
        return gettext(FIELD_NAMES[field]) if field in FIELD_NAMES else field

    return [s.say(gettext(s.template), event_name, field_name) for s in divergence.sentences]


def for_templates() -> dict[str, Any]:
    """Every page's templates read codes through these tables (a context processor)."""
    return {
        "label": label,
        "unit_name": unit_name,
        "urgencies": URGENCY,
        "channels": CHANNEL,
        "lights": LIGHT,
        "statuses": STATUS,
        "share_types": SHARE_TYPE,
        "service_modes": SERVICE_MODE,
        "kinds": HISTORY,
        "element_label": element_label,
        "said_divergence": said_divergence,
    }
