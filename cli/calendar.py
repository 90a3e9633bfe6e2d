"""`jtflow calendar`: the working-day calendar as an administrator sees it (SPEC §2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.support import jtflow_of, local, reports_errors
from engine.errors import CalendarError, JtflowError
from engine.time.calendar import YearSchedule, load_year_file
from engine.time.calendar_years import (
    DATABASE,
    FILE,
    PACKAGE,
    UNKNOWN,
    YearOrigin,
    holiday_name,
    loads_of,
    open_provisional_from,
    year_origin,
)

WEEKDAYS = "一二三四五六日"
ORIGIN_ZH = {
    PACKAGE: "chinesecalendar 软件包",
    FILE: "日历文件",
    DATABASE: "管理员载入",
    UNKNOWN: "未知",
}


@click.group()
def calendar() -> None:
    """Working-day calendar (工作日历): show a year, load a year's holidays and 调休."""


@calendar.command("show")
@click.argument("year", type=click.IntRange(2000, 2200))
@click.option("--list", "as_list", is_flag=True, help="One date per line instead of by month.")
@click.pass_context
@reports_errors
def show(ctx: click.Context, year: int, as_list: bool) -> None:
    """A year's holidays and 调休 working days, and where they come from."""
    jtflow = jtflow_of(ctx)
    with jtflow.sessions() as session:
        origin = year_origin(session, year, ctx.obj.calendar_dirs)
        earlier = loads_of(session, year)[1:]
        provisional = open_provisional_from(session, year)
    click.echo(f"{year} 年工作日历")
    click.echo(f"来源：{describe(origin)}")
    if origin.schedule is None:
        click.echo(
            f"涉及 {year} 年的时限均为暂定（标注“暂定”），载入该年安排后自动重算："
            f"请运行 `jtflow calendar load {year}.json`"
        )
        click.echo(f"目前到期日在 {year} 年及以后的暂定时限：{provisional} 个")
        return
    schedule = origin.schedule
    click.echo(
        f"放假（周一至周五休息）{len(schedule.holidays)} 天，"
        f"调休上班（周末上班）{len(schedule.workdays)} 天；其余周一至周五上班、周末休息"
    )
    names = origin.kind == PACKAGE
    lines = list_lines(schedule) if as_list else month_lines(schedule, names=names)
    for line in lines:
        click.echo(line)
    for row in earlier:
        click.echo(f"此前载入：{local(row.loaded_at)} {row.loaded_by}（{row.source}），已被取代")


@calendar.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "actor", default="system", help="Who loads (recorded; needs 管理员).")
@click.pass_context
@reports_errors
def load(ctx: click.Context, file: Path, actor: str) -> None:
    """Load a year's holidays and 调休 working days (JSON); open provisional deadlines are recomputed."""
    from engine.retiming import load_year

    try:
        schedule = load_year_file(file)  # a bad file stops here: nothing is changed
    except CalendarError as e:  # one line, even when the file has several problems
        more = [f"{err.field} {err.message}" for err in e.errors[1:]]
        raise CalendarError(
            str(e) + (f"（另有 {len(more)} 处：{'；'.join(more)}）" if more else "")
        ) from None
    report = load_year(jtflow_of(ctx), schedule, actor=actor)
    click.echo(
        f"已载入 {schedule.year} 年工作日历（放假 {len(schedule.holidays)} 天，"
        f"调休上班 {len(schedule.workdays)} 天；{schedule.source}），载入人 {actor}"
    )
    click.echo(f"重新计算暂定时限 {len(report.retimed)} 个，涉及案件 {report.cases} 件")
    for r in report.retimed:
        flag = "（仍为暂定）" if r.provisional else ""
        click.echo(
            f"  {r.case_no}\t{r.watches or '-'}\t{r.element_id}\t"
            f"{local(r.old_due)}（暂定）→ {local(r.new_due)}{flag}"
        )
    if report.failed:
        cases = "；".join(f"{case}：{why}" for case, why in report.failed.items())
        raise JtflowError(
            f"{len(report.failed)} 件案件的时限未能重算（{cases}）："
            f"请稍后重新运行 `jtflow calendar load {file}`"
        )


def describe(origin: YearOrigin) -> str:
    if origin.kind == UNKNOWN:
        return "未知 → 尚无官方安排，时限暂定，按周一至周五为工作日计算"
    schedule = origin.schedule
    assert schedule is not None
    if origin.kind == PACKAGE:
        text = "chinesecalendar 软件包（国务院办公厅节假日安排通知）"
    elif origin.kind == FILE:
        text = f"日历文件 {origin.file}（{schedule.source}）"
    else:
        row = origin.loaded
        assert row is not None
        text = f"管理员载入（{row.loaded_by} 于 {local(row.loaded_at)}；{schedule.source}）"
    if origin.overrides:
        replaced = "、".join(dict.fromkeys(ORIGIN_ZH[k] for k in origin.overrides))
        text += f"，取代{replaced}"
    return text


def month_lines(schedule: YearSchedule, *, names: bool = False) -> list[str]:
    lines = []
    for month in range(1, 13):
        off = sorted(d for d in schedule.holidays if d.month == month)
        on = sorted(d for d in schedule.workdays if d.month == month)
        parts = []
        if off:
            parts.append("放假 " + " ".join(_day(d) for d in off))
            festivals = dict.fromkeys(n for d in off if names and (n := holiday_name(d)))
            if festivals:
                parts[-1] += f"（{'、'.join(festivals)}）"
        if on:
            parts.append("调休上班 " + " ".join(_day(d) for d in on))
        lines.append(f"{month:>2}月  {'；'.join(parts) or '—'}")
    return lines


def list_lines(schedule: YearSchedule) -> list[str]:
    days = [(d, "放假") for d in schedule.holidays] + [(d, "调休上班") for d in schedule.workdays]
    return [f"{d.isoformat()}\t周{WEEKDAYS[d.weekday()]}\t{kind}" for d, kind in sorted(days)]


def _day(day: date) -> str:
    return f"{day.day}日({WEEKDAYS[day.weekday()]})"
