"""The yearly assessment report (issue 15 item 5; A2's 年度报告, standard 第五节1's 每年
开展考评通报): every table of one year's assessment as a printable page and as an XLSX, a
sheet per table (webui.assessment_tables). Readers as the assessment's
(engine.assessment.access): a refusal is the logged 403 page; a year that is not one is a
400 page saying how to write it. Each XLSX downloaded is written to the access log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from engine.assessment.access import readable_unit
from engine.assessment.yearly import YearlyReport, report_year, yearly_report
from engine.errors import InvalidInput
from engine.people.accounts import log_access
from engine.time.clock import SHANGHAI, YEARS

from .assessment_tables import Cell, Link, Section, sections
from .auth import signed_in
from .extensions import current_jtflow, request_session
from .labels import UNIT_NAMES, unit_name
from .spreadsheet import (
    DECIMAL,
    MONTH,
    PERCENT,
    XLSX,
    Column,
    add_sheet,
    book_bytes,
    new_book,
)

assessment_report = Blueprint("assessment_report", __name__, url_prefix="/assessment")


def _report() -> YearlyReport:
    """The report the request asks for: the reader's access first (a logged 403), then the
    year (a 400 that says what to type)."""
    engine = current_jtflow()
    now = engine.clock.now()
    unit = request.args.get("unit") or None
    allowed = readable_unit(g.user, unit)
    written = request.args.get("year")
    try:
        year = report_year(written, now)
    except InvalidInput:
        this_year = now.astimezone(SHANGHAI).year
        abort(
            400,
            _(
                "年份「%(written)s」无法生成报告：请写四位数字的年份，%(first)s 至 %(last)s 年，"
                "例如 /assessment/report?year=%(last)s",
                written=(written or "")[:40],
                first=YEARS[0],
                last=this_year,
            ),
        )
    if allowed is not None and allowed not in UNIT_NAMES:
        abort(
            400,
            _("没有代码为「%(code)s」的单位：请从考核评价页的单位列表中选择", code=allowed[:40]),
        )
    with request_session() as db:
        return yearly_report(db, engine.calendar, g.user, year=year, unit=allowed, now=now)


def _title(report: YearlyReport) -> str:
    return _("%(year)s 年度考核评价报告", year=report.year)


def _scope(report: YearlyReport) -> str:
    unit = report.assessment.unit
    return unit_name(unit) if unit else _("全部单位")


def _generated(report: YearlyReport) -> str:
    at = report.generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return _("生成于 %(at)s（北京时间）", at=at)


def shown(value: Cell, column: Column) -> Markup | str:
    """A cell on the page: as its column shows it, a link as a link, nothing as —."""
    if isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.url, value.text)
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m") if column.number_format == MONTH else value.isoformat()
    if isinstance(value, float | int) and not isinstance(value, bool):
        if column.number_format == PERCENT:
            return f"{value * 100:.1f}%"
        if column.number_format == DECIMAL:
            return f"{value:.2f}"
        if column.number_format == "0.0":
            return f"{value:.1f}"
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def cell_class(value: Cell) -> str:
    if isinstance(value, Link):
        return "link"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "num"
    return "lines" if isinstance(value, str) and "\n" in value else ""


@assessment_report.get("/report")
@signed_in
def page() -> Any:
    report = _report()
    query: dict[str, Any] = {"year": report.year, "unit": report.assessment.unit}
    return render_template(
        "assessment_report.html",
        report=report,
        sections=sections(report),
        report_title=_title(report),
        scope_text=_scope(report),
        generated=_generated(report),
        span=_(
            "%(first)s 至 %(last)s 转到各单位的工作",
            first=date(report.year, 1, 1).isoformat(),
            last=date(report.year, 12, 31).isoformat(),
        ),
        shown=shown,
        cell_class=cell_class,
        xlsx_url=url_for("assessment_report.xlsx", **query),
        back=url_for("assessment.index", period=str(report.year), unit=report.assessment.unit),
        title=_title(report),
    )


@assessment_report.get("/report.xlsx")
@signed_in
def xlsx() -> Any:
    report = _report()
    book = new_book()
    book.properties.title = _title(report)
    add_sheet(
        book,
        _("概况"),
        [Column(_("项目")), Column(_("内容"))],
        [
            [_("报告"), _title(report)],
            [_("年份"), report.year],
            [_("范围"), _scope(report)],
            [_("生成时间"), report.generated_at],
        ],
    )
    for section in sections(report):
        _add_tables(book, section)
    name = f"assessment-{report.year}"
    if report.assessment.unit:
        name += f"-{report.assessment.unit}"
    with request_session() as db:  # a download leaves the system: in the access log (S1)
        scope = report.assessment.unit or "全部单位"
        log_access(
            db,
            report.generated_at,
            g.user.username,
            "export",
            allowed=True,
            target=("path", request.path),
            detail=f"考核评价年度报告 XLSX：{report.year} 年，{scope}",
        )
        db.commit()
    return Response(
        book_bytes(book),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _add_tables(book: Any, section: Section) -> None:
    for table in section.tables:
        rows = [[c.text if isinstance(c, Link) else c for c in row] for row in table.rows]
        sheet = add_sheet(book, table.title, table.columns, rows)
        for n, row in enumerate(table.rows, start=2):
            for m, cell in enumerate(row, start=1):
                if isinstance(cell, Link):
                    sheet.cell(n, m).hyperlink = cell.url
