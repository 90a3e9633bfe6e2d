"""Import and export of the catalogue as CSV or XLSX (D1): export what the user may read,
logged as an export (S1); import the unit's entries, all or nothing, every problem by row
and column on the page (engine.data.catalogue_file)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.data.catalogue import check_maintainer
from engine.data.catalogue_file import (
    COLUMNS,
    ImportRefused,
    export_rows,
    import_rows,
    read_file,
    to_csv,
    to_xlsx,
)
from engine.errors import InvalidInput
from engine.people.accounts import log_access

from ..auth import signed_in
from ..extensions import current_jtflow, request_session
from .blueprint import catalogue

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@catalogue.get("/export")
@signed_in
def export() -> Any:
    kind = request.args.get("format", "csv")
    if kind not in MEDIA:
        flash(_("导出格式应为 csv 或 xlsx"), "error")
        return redirect(url_for(".index"))
    engine = current_jtflow()
    with request_session() as db:
        rows = export_rows(db, g.user)
        log_access(
            db,
            engine.clock.now(),
            g.user.username,
            "export",
            allowed=True,
            target=("catalogue", kind),
            detail=f"{len(rows) - 1} 条",
        )
        db.commit()
    body = to_csv(rows) if kind == "csv" else to_xlsx(rows)
    stamp = engine.clock.now().strftime("%Y%m%d")
    return Response(
        body,
        mimetype=MEDIA[kind],
        headers={
            "Content-Disposition": f"attachment; filename=catalogue-{stamp}.{kind}; "
            f"filename*=UTF-8''%E8%B5%84%E6%BA%90%E7%9B%AE%E5%BD%95-{stamp}.{kind}"
        },
    )


@catalogue.route("/import", methods=["GET", "POST"])
@signed_in
def import_file() -> Any:
    engine = current_jtflow()
    with request_session() as db:
        check_maintainer(db, g.user, g.user.unit_code, "导入资源目录")
        if request.method == "GET":
            return _page()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return _page(error=_("请选择要导入的 CSV 或 XLSX 文件")), 422
        kind = PurePath(upload.filename).suffix.lower().lstrip(".")
        try:
            result = import_rows(db, g.user, engine.clock.now(), read_file(upload.read(), kind))
        except ImportRefused as e:
            db.rollback()
            return _page(problems=[str(p) for p in e.problems], error=str(e).split("。")[0]), 422
        except InvalidInput as e:
            db.rollback()
            return _page(error=str(e)), 422
        db.commit()
    flash(
        _(
            "导入完成：新增 %(created)d 条（草稿）、更新 %(updated)d 条、未变 %(unchanged)d 条",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        ),
        "notice",
    )
    return redirect(url_for(".index", status="draft"))


def _page(problems: list[str] | None = None, error: str | None = None) -> str:
    return render_template(
        "catalogue_import.html", columns=COLUMNS, problems=problems or [], error=error
    )
