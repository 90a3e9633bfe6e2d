"""The form editor's JSON endpoints (issue 14): a form as the owner edits it (their draft,
else the form in force), its draft saved, and deployed as the form's next version. Session
and CSRF like the modeler's endpoints; 流程负责人 only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from engine.definitions.form_drafts import (
    deploy_form_draft,
    discard_form_draft,
    open_form,
    save_form_draft,
)
from engine.errors import DeploymentError

from .extensions import current_jtflow, request_session
from .modeler_api import deploy_note, json_body, owners_only, problems_json

form_api = Blueprint("form_api", __name__, url_prefix="/api/forms")
form_api.before_request(owners_only)


@form_api.get("/<name>")
def get_form(name: str) -> Any:
    with request_session() as db:
        form = open_form(db, current_jtflow().forms, name, g.user.username)
    return jsonify(
        {
            "name": form.name,
            "schema": form.schema,
            "is_draft": form.is_draft,
            "version": form.version,
        }
    )


@form_api.put("/<name>/draft")
def put_form_draft(name: str) -> Any:
    engine = current_jtflow()
    try:
        with request_session() as db:
            draft = save_form_draft(
                db, name, g.user.username, json_body().get("schema"), engine.clock.now()
            )
            db.commit()
            return jsonify({"saved_at": draft.saved_at.isoformat()})
    except DeploymentError as e:
        return jsonify({"error": "invalid", "problems": problems_json(e.problems)}), 422


@form_api.delete("/<name>/draft")
def delete_form_draft(name: str) -> Any:
    with request_session() as db:
        discard_form_draft(db, name, g.user.username)
        db.commit()
    return "", 204


@form_api.post("/<name>/deploy")
def deploy(name: str) -> Any:
    engine = current_jtflow()
    note = deploy_note()
    try:
        with request_session() as db:
            version = deploy_form_draft(
                db, engine.forms, name, g.user.username, engine.clock.now(), note
            )
            db.commit()
            number = version.version
    except DeploymentError as e:
        return jsonify({"error": "invalid", "problems": problems_json(e.problems)}), 422
    engine.forms.forget_deployed()
    return jsonify({"name": name, "version": number}), 201
