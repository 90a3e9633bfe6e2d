"""The yearly report's tables in the reader's language, one definition for both renderings
(the printable page, the XLSX): each cell keeps its type — a count an int, a rate a
fraction, a time an aware instant — and each column says how to show it. Units by name,
steps and clauses in words: no codes or rule numbers for people to read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _

from engine.assessment import accountability as a3_rules
from engine.assessment.accountability import CLAUSES, Evidence
from engine.assessment.event_figures import Ratio
from engine.assessment.weights import TARGETS
from engine.assessment.yearly import MonthFigures, YearlyReport
from engine.time.clock import SHANGHAI

from .assessment import step_names
from .labels import HISTORY, LIGHT, label, translated, unit_name
from .people_names import person
from .spreadsheet import DECIMAL, MONTH, PERCENT, TIME, Column, Value

DATA_STEPS = {  # the data processes' steps, as their diagrams name them
    "reply": "提供部门答复",
    "provider_review": "提供部门评审",
    "check_data": "提供部门校核",
}


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: its text on paper and in the XLSX, a link on screen."""

    text: str
    url: str


Cell = Value | Link


@dataclass
class Table:
    key: str  # the table's HTML id
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    row_keys: list[str] = field(default_factory=list)  # each row's HTML id
    note: str = ""
    empty: str = ""  # said instead of the table when it has no rows


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: list[Table]


class Words:
    """The names a report repeats on every row — units, steps, history kinds, clauses —
    each looked up in the reader's language once per report, not once per row."""

    def __init__(self) -> None:
        self.steps = {**step_names(), **{k: translated(v) for k, v in DATA_STEPS.items()}}
        self._said: dict[tuple[str, str], str] = {}

    def _once(self, kind: str, key: str, say: Callable[[str], str]) -> str:
        if (kind, key) not in self._said:
            self._said[kind, key] = say(key)
        return self._said[kind, key]

    def unit(self, code: str) -> str:
        return self._once("unit", code, unit_name)

    def text(self, text: str) -> str:
        """A text of the engine or a diagram, its msgid the Chinese (webui.labels)."""
        return self._once("text", text, translated)

    def kind(self, kind: str) -> str:
        return self._once("kind", kind, lambda k: label(HISTORY, k))

    def light(self, name: str) -> str:
        return self._once("light", name, lambda n: str(LIGHT[n]))

    def step(self, name: str) -> str:
        """A step by its name; a step without one (none of the assessment's) as it is."""
        return self.steps.get(name, name)


def sections(report: YearlyReport) -> list[Section]:
    words = Words()
    return [
        Section(
            "events",
            _("事件处置"),
            [
                _events(report, words),
                _lights(report, words),
                _score_parts(report, words),
                _weights(report, words),
            ],
        ),
        Section("months", _("逐月情况"), [_months(report)]),
        Section("data", _("数据资源管理"), [_data(report, words)]),
        Section("accountability", _("责任追究"), [_accountability(report, words)]),
    ]


def _ratio(ratio: Ratio) -> list[Cell]:
    return [ratio.on_time, ratio.late, ratio.rate]


def _events(report: YearlyReport, words: Words) -> Table:
    table = Table(
        "events",
        _("各单位事件处置"),
        [
            Column(_("单位")),
            Column(_("收件")),
            Column(_("按时签收")),
            Column(_("签收超时")),
            Column(_("按时签收率"), PERCENT),
            Column(_("按时反馈")),
            Column(_("反馈超时")),
            Column(_("按时反馈率"), PERCENT),
            Column(_("黄灯")),
            Column(_("红灯")),
            Column(_("退件")),
            Column(_("被退件的案件")),
            Column(_("多次退件")),
            Column(_("已办结")),
            Column(_("未办结")),
            Column(_("平均办结（工作日）"), DECIMAL),
            Column(_("办结 P90（工作日）"), DECIMAL),
            Column(_("在目标内办结")),
            Column(_("催办")),
            Column(_("督办")),
            Column(_("得分"), "0.0"),
        ],
        note=_(
            "收件为转到该单位的案件；超时含已超过时限仍未完成的步骤；办结时间自转办起按工作日计。"
        ),
    )
    for u in report.assessment.units:
        e, closure = u.events, u.events.closure
        lights = e.steps.values()
        table.rows.append(
            [
                words.unit(u.unit),
                e.received,
                *_ratio(e.sign_for),
                *_ratio(e.feedback),
                sum(x.yellow for x in lights),
                sum(x.red for x in lights),
                e.returns,
                e.returned_cases,
                e.repeated_returns,
                closure.closed,
                closure.unclosed,
                closure.average_wd,
                closure.p90_wd,
                closure.within_target,
                e.escalations,
                e.supervised,
                u.score.value,
            ]
        )
        table.row_keys.append(f"events-{u.unit}")
    return table


def _lights(report: YearlyReport, words: Words) -> Table:
    table = Table(
        "lights",
        _("各步骤电子监察"),
        [
            Column(_("单位")),
            Column(_("步骤")),
            Column(str(LIGHT["green"])),
            Column(str(LIGHT["yellow"])),
            Column(str(LIGHT["red"])),
        ],
        empty=_("无"),
    )
    for u in report.assessment.units:
        for step, lights in u.events.steps.items():
            table.rows.append(
                [words.unit(u.unit), words.step(step), lights.green, lights.yellow, lights.red]
            )
            table.row_keys.append(f"lights-{u.unit}-{step}")
    return table


def _score_parts(report: YearlyReport, words: Words) -> Table:
    weights = report.assessment.weights
    names = [name for name in weights if name not in TARGETS]
    table = Table(
        "score",
        _("得分构成"),
        [
            Column(_("单位")),
            *(Column(words.text(weights[n].label), PERCENT) for n in names),
            Column(_("得分"), "0.0"),
        ],
        note=_("各项为达标的比例；得分为各项按权重的加权平均 × 100，只计有数据的项。"),
    )
    for u in report.assessment.units:
        parts = u.score.parts
        table.rows.append([words.unit(u.unit), *(parts.get(n) for n in names), u.score.value])
        table.row_keys.append(f"score-{u.unit}")
    return table


def _weights(report: YearlyReport, words: Words) -> Table:
    table = Table(
        "weights",
        _("得分权重"),
        [Column(_("含义")), Column(_("数值")), Column(_("设定人")), Column(_("设定时间"), TIME)],
        note=_(
            "标准未规定权重与公式，由局设定：管理员或分管领导可随时修改"
            "（jtflow assessment weight），每次修改留档，最新者生效；未设定的取默认值。"
        ),
    )
    for w in report.assessment.weights.values():
        setter = person(w.set_by) if w.set_by else _("默认值")
        table.rows.append([words.text(w.label), w.value, setter, w.set_at])
        table.row_keys.append(f"weight-{w.name}")
    return table


def _months(report: YearlyReport) -> Table:
    table = Table(
        "months",
        _("逐月收件与按时率"),
        [
            Column(_("月份"), MONTH),
            Column(_("收件")),
            Column(_("按时签收")),
            Column(_("签收超时")),
            Column(_("按时签收率"), PERCENT),
            Column(_("按时反馈")),
            Column(_("反馈超时")),
            Column(_("按时反馈率"), PERCENT),
            Column(str(LIGHT["yellow"])),
            Column(str(LIGHT["red"])),
        ],
        note=_("按工作转到单位的月份计；一件转给两个单位的案件各计一次，与各单位的表相同。"),
    )
    total = MonthFigures(report.months[0].month)
    for m in report.months:
        table.rows.append(_month_row(m.month, m))
        table.row_keys.append(f"month-{m.month.month}")
        total.received += m.received
        total.sign_for = Ratio(
            total.sign_for.on_time + m.sign_for.on_time, total.sign_for.late + m.sign_for.late
        )
        total.feedback = Ratio(
            total.feedback.on_time + m.feedback.on_time, total.feedback.late + m.feedback.late
        )
        total.yellow += m.yellow
        total.red += m.red
    table.rows.append(_month_row(_("全年"), total))
    table.row_keys.append("month-total")
    return table


def _month_row(month: Cell, m: MonthFigures) -> list[Cell]:
    return [month, m.received, *_ratio(m.sign_for), *_ratio(m.feedback), m.yellow, m.red]


def _data(report: YearlyReport, words: Words) -> Table:
    table = Table(
        "data",
        _("各单位数据资源管理"),
        [
            Column(_("单位")),
            Column(_("目录条目")),
            Column(_("要素齐全的条目")),
            Column(_("目录完整率"), PERCENT),
            Column(_("数据资源管理员")),
            Column(_("有更新时限的条目")),
            Column(_("超期未更新")),
            Column(_("更新及时率"), PERCENT),
            Column(_("按时答复")),
            Column(_("答复超时")),
            Column(_("10 个工作日内答复率"), PERCENT),
            Column(_("拒绝")),
            Column(_("拒绝未说明理由")),
            Column(_("校核申请")),
            Column(_("校核已答复")),
            Column(_("校核按时")),
            Column(_("接口通知")),
            Column(_("逾期通知")),
            Column(_("新知识报送")),
            Column(_("逾期报送")),
        ],
        note=_(
            "目录完整性与更新及时性为当前状态；答复、拒绝与校核按期间统计。无记录的单位不列出。"
        ),
        empty=_("没有数据资源记录"),
    )
    for u in report.assessment.units:
        d = u.data
        if d is None:
            continue
        table.rows.append(
            [
                words.unit(u.unit),
                d.entries,
                d.complete,
                d.completeness,
                _("已备案") if d.administrator else _("未备案"),
                d.with_deadline,
                d.overdue,
                d.timeliness,
                *_ratio(d.replies),
                d.refusals,
                d.refusals_without_reason,
                d.checks,
                d.checks_answered,
                d.checks_on_time,
                d.notices,
                d.late_notices,
                d.knowledge,
                d.late_knowledge,
            ]
        )
        table.row_keys.append(f"data-{u.unit}")
    return table


def _accountability(report: YearlyReport, words: Words) -> Table:
    roles = {"lead": _("牵头"), "fallback": _("兜底/改派"), "co": _("协办")}
    table = Table(
        "accountability",
        _("责任追究名单"),
        [
            Column(_("情形")),
            Column(_("单位")),
            Column(_("案件编号")),
            Column(_("标题")),
            Column(_("步骤")),
            Column(_("时限"), TIME),
            Column(_("完成"), TIME),
            Column(_("超时（工作日）"), DECIMAL),
            Column(_("退件次数")),
            Column(_("证据")),
        ],
        note=_(
            "标准所列应予追究的情形，由记录得出；证据摘自案件历史，在屏幕上点击案件编号可逐步查看。"
        ),
        empty=_("无"),
    )
    full = [
        _(text)
        for clause, text in CLAUSES.items()
        if sum(a.clause == clause for a in report.accountable) >= a3_rules.MAX_CASES
    ]
    if full:
        table.note += " " + _(
            "每种情形最多列出 %(n)s 件，已达上限的：%(clauses)s；"
            "可按单位分别生成报告，或在考核评价页按季度、月份查看其余的。",
            n=a3_rules.MAX_CASES,
            clauses="；".join(full),
        )
    for n, a in enumerate(report.accountable):
        unit = words.unit(a.unit)
        if a.role in roles:
            unit = _("%(unit)s（%(role)s）", unit=unit, role=roles[a.role])
        table.rows.append(
            [
                words.text(CLAUSES[a.clause]),
                unit,
                Link(a.case_no, url_for("audit.first_step", case_no=a.case_no, _external=True)),
                a.title,
                words.step(a.step),
                a.due_at,
                a.done_at or (_("未完成") if a.window else None),  # 2.3.3: a case, no step
                a.late_wd,
                a.returns,
                "\n".join(_evidence(e, words) for e in a.evidence),
            ]
        )
        table.row_keys.append(f"accountable-{n}")
    return table


def _evidence(event: Evidence, words: Words) -> str:
    """One event of the history, in a line: when, what, at which step (and its light); an
    element the assessment has no name for is left out, not shown by its id."""
    data = event.data or {}
    element = event.element_id or ""
    for prefix in ("warn_", "timer_"):
        element = element.removeprefix(prefix)
    at = event.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    said = [at, words.kind(event.kind)]
    overdue = data.get("overdue_step")  # a 催办 names the step it chases
    step = words.steps.get(element) or (words.text(overdue) if overdue else None)
    if step:
        said.append(step)
    if event.kind == "light_changed" and data.get("light") in LIGHT:
        said.append(words.light(data["light"]))
    return " ".join(said)
