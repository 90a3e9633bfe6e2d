"""The process owner's pages (流程负责人): the deployed versions of each process with their
running and ended cases, a version's diagram, and moving one version's running cases to
another — previewed first (a dry run), then confirmed. The rules are engine.case_migration's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.case_migration import check_process_owner, migrate_running
from engine.definitions.case_diagram import bpmn_text
from engine.definitions.process_versions import definition_of, process_versions

from .auth import signed_in
from .diagram import bpmn_answer, viewer_installed
from .extensions import current_jtflow, request_session

processes = Blueprint("processes", __name__, url_prefix="/processes")


@processes.before_request
@signed_in
def _owners_only() -> None:
    check_process_owner(g.user)


@processes.get("")
def index() -> Any:
    with request_session() as db:
        versions = process_versions(db)
    return render_template("processes.html", versions=versions)


@processes.get("/<process_id>/<int:version>")
def version_page(process_id: str, version: int) -> Any:
    with request_session() as db:
        versions = [v for v in process_versions(db) if v.process_id == process_id]
    shown = next((v for v in versions if v.version == version), None)
    if shown is None:
        abort(404, _("流程 %(process)s 没有版本 %(version)d", process=process_id, version=version))
    return render_template(
        "process_version.html",
        shown=shown,
        others=[v for v in versions if v.version != version],
        viewer=viewer_installed(),
        progress={"done": [], "open": []},
        diagram_url=url_for(".diagram", process_id=process_id, version=version),
    )


@processes.get("/<process_id>/<int:version>/diagram.bpmn")
def diagram(process_id: str, version: int) -> Any:
    with request_session() as db:
        xml = bpmn_text(definition_of(db, process_id, version))
    return bpmn_answer(xml)


@processes.get("/<process_id>/<int:version>/migration")
def preview(process_id: str, version: int) -> Any:
    """What migrating the version's running cases would do: nothing is changed. With no
    other version deployed there is nothing to migrate to, and the page says so."""
    with request_session() as db:
        versions = [v for v in process_versions(db) if v.process_id == process_id]
    shown = next((v for v in versions if v.version == version), None)
    if shown is None:
        abort(404, _("流程 %(process)s 没有版本 %(version)d", process=process_id, version=version))
    to = request.args.get("to", type=int)
    if len(versions) == 1 and to in (None, version):
        return render_template("process_migration.html", shown=shown, report=None)
    report = migrate_running(
        current_jtflow(),
        process_id,
        from_version=version,
        to_version=to,
        actor=g.user.username,
        dry_run=True,
    )
    return render_template("process_migration.html", shown=shown, report=report)


@processes.post("/<process_id>/<int:version>/migration")
def migrate(process_id: str, version: int) -> Any:
    """Migrate the cases the owner ticked on the preview; none ticked migrates none."""
    chosen = request.form.getlist("case")
    report = migrate_running(  # with none chosen, only the versions are checked
        current_jtflow(),
        process_id,
        from_version=version,
        to_version=request.form.get("to", type=int),
        actor=g.user.username,
        chosen=chosen,
    )
    if not chosen:
        flash(_("未选择要迁移的案件：请在预览中勾选案件后再确认"), "error")
        return redirect(url_for(".version_page", process_id=process_id, version=version))
    flash(
        _(
            "已迁移 %(migrated)d 个案件，未迁移 %(refused)d 个",
            migrated=len(report.migrated),
            refused=len(report.refused),
        ),
        "notice",
    )
    for case_no, why in report.refused.items():
        flash(_("案件 %(case)s 未迁移：%(why)s", case=case_no, why=why), "error")
    return redirect(url_for(".version_page", process_id=process_id, version=version))
