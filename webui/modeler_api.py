"""The modeler page's JSON endpoints (issue 14): the owner's draft, its check with the migration
preview, its deployment, and the lists the properties panel offers.

They back a page, so they are the pages' kind of endpoint: the signed-in session and its CSRF
token (header X-CSRFToken), not the bearer-token REST API beside them under /api/. Only a
流程负责人 reaches them; anyone else gets the logged 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for

from engine.case_migration import check_process_owner
from engine.definitions.deploy import DiagramFile, parse
from engine.definitions.drafts import (
    check_draft,
    diagram_files,
    discard_draft,
    open_draft,
    save_draft,
)
from engine.definitions.modeler_choices import choices
from engine.draft_trial import MAX_CASES, run_trial, start_trial, totals
from engine.errors import DeploymentError, InvalidInput, NotFound, Problem
from engine.migration_preview import preview_on_draft
from engine.models import TrialRun
from engine.people.visibility import MAX_ID

from .extensions import background, current_jtflow, request_session

modeler_api = Blueprint("modeler_api", __name__, url_prefix="/api")


def owners_only() -> Any:
    if g.user is None:
        return jsonify({"error": "unauthorized", "detail": "请先登录"}), 401
    check_process_owner(g.user)  # PermissionDenied: the logged 403
    return None


modeler_api.before_request(owners_only)


@modeler_api.get("/modeler/choices")
def modeler_choices() -> Any:
    with request_session() as db:
        return jsonify(choices(db, current_jtflow().forms))


@modeler_api.get("/processes/<process_id>/draft")
def get_draft(process_id: str) -> Any:
    with request_session() as db:
        draft = open_draft(db, process_id, g.user.username)
    return jsonify(
        {
            "process_id": draft.process_id,
            "is_draft": draft.is_draft,
            "author": draft.author,
            "saved_at": draft.saved_at.isoformat() if draft.saved_at else None,
            "based_on_version": draft.based_on_version,
            "files": draft.files,
        }
    )


@modeler_api.put("/processes/<process_id>/draft")
def put_draft(process_id: str) -> Any:
    files = json_body().get("files")
    engine = current_jtflow()
    with request_session() as db:
        draft = save_draft(db, process_id, g.user.username, files, engine.clock.now())
        db.commit()
        return jsonify({"saved_at": draft.saved_at.isoformat()})


@modeler_api.delete("/processes/<process_id>/draft")
def delete_draft(process_id: str) -> Any:
    with request_session() as db:
        discard_draft(db, process_id, g.user.username)
        db.commit()
    return "", 204


@modeler_api.post("/processes/<process_id>/draft/check")
def check(process_id: str) -> Any:
    """The deploy-time checks on the saved draft, and — when they pass — what it would mean
    for the running cases (the migration preview), with nothing changed."""
    engine = current_jtflow()
    files = _saved_files(process_id)
    problems = check_draft(files, process_id, engine.forms)
    migration: dict[str, Any] | None = None
    if not problems:
        _, spec, dependencies = parse(files)
        report = preview_on_draft(engine, process_id, spec, dependencies)
        migration = {
            "migrates": [
                {
                    "case_no": m.case_no,
                    "from_version": m.from_version,
                    "changed": m.changed,
                    "moved": m.retimed,
                }
                for m in report.migrated
            ],
            "refused": [{"case_no": c, "why": why} for c, why in report.refused.items()],
        }
    return jsonify({"problems": problems_json(problems), "migration": migration})


@modeler_api.post("/processes/<process_id>/draft/deploy")
def deploy(process_id: str) -> Any:
    """Deploy the saved draft with the owner's note; refused, with every problem, while the
    check finds any. The draft is gone once deployed."""
    engine = current_jtflow()
    note = deploy_note()
    files = _saved_files(process_id)
    problems = check_draft(files, process_id, engine.forms)
    if problems:
        return jsonify({"error": "invalid", "problems": problems_json(problems)}), 422
    try:
        definition, created = engine.deploy_files(files, g.user.username, note)
    except DeploymentError as e:
        return jsonify({"error": "invalid", "problems": problems_json(e.problems)}), 422
    with request_session() as db:
        discard_draft(db, process_id, g.user.username)
        db.commit()
    status = 201 if created else 200  # the same content as a deployed version: that one
    return jsonify({"version": definition.version, "created": created}), status


@modeler_api.post("/processes/<process_id>/draft/trials")
def start_trial_run(process_id: str) -> Any:
    """Try the saved draft on the last N closed cases, in the background (the page polls)."""
    count = json_body().get("cases", 200)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CASES:
        raise InvalidInput(f"试运行的案件数应为 1 到 {MAX_CASES} 之间的整数")
    engine = current_jtflow()
    files = _saved_files(process_id)
    problems = check_draft(files, process_id, engine.forms)
    if problems:
        return jsonify({"error": "invalid", "problems": problems_json(problems)}), 422
    trial_id = start_trial(engine, process_id, g.user.username, files, count)
    background().submit(run_trial, engine, trial_id, files)
    status_url = url_for(".trial_status", process_id=process_id, trial_id=trial_id)
    return jsonify({"trial_id": trial_id, "status_url": status_url}), 202


@modeler_api.get("/processes/<process_id>/trials/<int:trial_id>")
def trial_status(process_id: str, trial_id: int) -> Any:
    with request_session() as db:
        trial = db.get(TrialRun, trial_id) if trial_id <= MAX_ID else None
        if trial is None or trial.process_id != process_id or trial.author != g.user.username:
            raise NotFound(f"试运行 {trial_id} 不存在")
        return jsonify(
            {
                "done": trial.done,
                "total": trial.total,
                "finished": trial.finished_at is not None,
                "error": trial.error,
                "cases": trial.results,
                "totals": totals(trial.results),
            }
        )


def _saved_files(process_id: str) -> list[DiagramFile]:
    with request_session() as db:
        draft = open_draft(db, process_id, g.user.username)
    if not draft.is_draft:
        raise InvalidInput("还没有保存的草稿：请先保存草稿，再检查或部署")
    return diagram_files(draft.files)


def deploy_note() -> str | None:
    """The optional note a deployment records: why, in the deployer's words."""
    note = json_body().get("note") or None
    if note is not None and (not isinstance(note, str) or len(note) > 400):
        raise InvalidInput("部署说明应为不超过 400 字的文本")
    return note


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("请求体应为 JSON 对象")
    return body


def problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem where the modeler marks it: its file, element and line."""
    return [
        {"file": p.file, "element_id": p.element_id, "line": p.line, "message": p.message}
        for p in problems
    ]
