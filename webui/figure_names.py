"""An assessment figure (engine.assessment.cases) by its name in the reader's language, for
the page that lists the cases behind it: a reader who clicked a bar sees 红灯（全部被监察步骤）,
not lights.red."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .assessment_charts import step_names
from .labels import LIGHT

_LIGHT = re.compile(r"^light\.(\w+)\.(green|yellow|red)$")
_LIGHTS = re.compile(r"^lights\.(green|yellow|red)$")
_OPEN = re.compile(r"^open\.(\w+)$")
_CLOSED_WD = re.compile(r"^closed_wd\.(\d+)-(\d+)?$")


def named_figures() -> dict[str, str]:
    return {
        "received": _("收件"),
        "sign_for_on_time": _("按时签收"),
        "sign_for_late": _("签收超时"),
        "feedback_on_time": _("按时反馈"),
        "feedback_late": _("反馈超时"),
        "returned": _("退件"),
        "repeated_returns": _("多次退件"),
        "closed": _("已办结"),
        "unclosed": _("未办结"),
        "escalations": _("催办"),
        "supervised": _("督办"),
    }


def figure_name(figure: str) -> str:
    """The figure in words; one not known here as written (never an error on a page)."""
    named = named_figures().get(figure)
    if named:
        return named
    steps = step_names()
    if found := _LIGHT.match(figure):
        step = steps.get(found[1], found[1])
        return _("{step} · {light}").format(step=step, light=LIGHT[found[2]])
    if found := _LIGHTS.match(figure):
        every = {
            "green": _("绿灯（全部被监察步骤）"),
            "yellow": _("黄灯（全部被监察步骤）"),
            "red": _("红灯（全部被监察步骤）"),
        }
        return every[found[1]]
    if found := _OPEN.match(figure):
        return _("未办结：{step}").format(step=steps.get(found[1], found[1]))
    if found := _CLOSED_WD.match(figure):
        if found[2] is None:
            return _("办结用时不少于 {low} 个工作日").format(low=found[1])
        return _("办结用时 {low}–{high} 个工作日").format(low=found[1], high=found[2])
    return figure
