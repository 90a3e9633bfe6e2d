"""The process owner's editing pages (issue 14): the modeler (bpmn-js, dmn-js and a
properties panel for this system's extensions), the comparison of two deployed versions and
the form editor with its live preview. 流程负责人 only, like the /processes pages.

The pages are shells: their scripts (webui/assets, bundled by `npm run build` into
static/dist) talk to the modeler API; the preview here draws a form from an edited schema
with the task page's own template, so the owner sees exactly what handlers will see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import gettext as _

from engine.case_migration import check_process_owner
from engine.definitions.process_versions import process_versions
from engine.people.reference import ROLES

from .auth import signed_in
from .extensions import current_jtflow, request_session
from .form_fields import fields_for
from .labels import UNIT_NAMES, post_name, translated, unit_name
from .page_texts import COMPARE, FORM_EDITOR, MODELER, page_texts

modeler = Blueprint("modeler", __name__)

DIST = Path(__file__).parent / "static" / "dist"
BUNDLES = ("modeler.js", "modeler.css", "compare.js", "compare.css", "form_editor.js")


def bundle_built() -> bool:
    """`npm run build` has written the pages' scripts (webui/static/dist, git-ignored)."""
    return all((DIST / name).is_file() for name in BUNDLES)


@modeler.before_request
@signed_in
def _owners_only() -> None:
    check_process_owner(g.user)


def _versions_of(process_id: str) -> list[Any]:
    with request_session() as db:
        versions = [v for v in process_versions(db) if v.process_id == process_id]
    if not versions:
        abort(404, _("没有流程 %(process)s", process=process_id))
    return versions


def reader_names() -> dict[str, dict[str, str]]:
    """What the panel's choices say, in the reader's language: units by code, and the roles'
    and forms' Chinese names (the choices API answers in Chinese, as stored)."""
    forms = current_jtflow().forms
    titles = [str(forms.schema(name).get("title", "")) for name in forms.names()]
    return {
        "units": {code: unit_name(code) for code in UNIT_NAMES},
        "texts": {
            **{text: translated(text) for text in titles if text},
            **{role: post_name(role) for role in ROLES},
        },
    }


@modeler.get("/processes/<process_id>/modeler")
def modeler_page(process_id: str) -> Any:
    versions = _versions_of(process_id)
    urls = {
        "choices": "/api/modeler/choices",
        "draft": f"/api/processes/{process_id}/draft",
        "check": f"/api/processes/{process_id}/draft/check",
        "deploy": f"/api/processes/{process_id}/draft/deploy",
        "trials": f"/api/processes/{process_id}/draft/trials",
        "version": url_for("processes.version_page", process_id=process_id, version=0)[:-1]
        + "__version__",
        "compare": url_for(".compare_page", process_id=process_id),
        "form_editor": url_for(".form_editor_page", name="__name__"),
    }
    return render_template(
        "process_modeler.html",
        process=versions[0],
        built=bundle_built(),
        config={"urls": urls, "texts": page_texts(MODELER), "names": reader_names()},
    )


@modeler.get("/processes/<process_id>/compare")
def compare_page(process_id: str) -> Any:
    """Versions a and b (default: the newest and the one before it) side by side."""
    versions = _versions_of(process_id)
    numbers = [v.version for v in versions]  # newest first
    b = request.args.get("b", type=int) or numbers[0]
    a = request.args.get("a", type=int) or next((n for n in numbers if n < b), b)
    for n in (a, b):
        if n not in numbers:
            abort(404, _("流程 %(process)s 没有版本 %(version)d", process=process_id, version=n))
    urls = {
        "a": url_for("processes.diagram", process_id=process_id, version=a),
        "b": url_for("processes.diagram", process_id=process_id, version=b),
    }
    return render_template(
        "process_compare.html",
        process=versions[0],
        versions=versions,
        a=next(v for v in versions if v.version == a),
        b=next(v for v in versions if v.version == b),
        built=bundle_built(),
        config={"urls": urls, "texts": page_texts(COMPARE), "names": reader_names()},
    )


@modeler.get("/forms/<name>/editor")
def form_editor_page(name: str) -> Any:
    forms = current_jtflow().forms
    if not forms.has(name):
        abort(404, _("没有表单 %(form)s", form=name))
    title = str(forms.schema(name).get("title") or name)
    urls = {
        "form": f"/api/forms/{name}",
        "draft": f"/api/forms/{name}/draft",
        "deploy": f"/api/forms/{name}/deploy",
        "preview": url_for(".form_preview", name=name),
    }
    return render_template(
        "form_editor.html",
        name=name,
        title=title,
        built=bundle_built(),
        config={"urls": urls, "name": name, "texts": page_texts(FORM_EDITOR)},
    )


@modeler.post("/forms/<name>/preview")
def form_preview(name: str) -> Any:
    """The edited schema drawn as handlers will see it (the task page's field template);
    nothing is saved. A schema the template cannot draw answers 422 with the reason."""
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None
    if not isinstance(schema, dict) or not isinstance(schema.get("properties", {}), dict):
        return {"error": "invalid", "detail": _("表单不是 JSON Schema 对象：需要 properties")}, 422
    try:
        fields = fields_for(schema)
        for f in fields:  # every field, those shown only for some answers too
            f.shown = True
    except (AttributeError, TypeError, ValueError) as e:
        return {"error": "invalid", "detail": _("表单无法显示：%(why)s", why=e)}, 422
    html = render_template("_form_preview.html", schema=schema, fields=fields)
    return {"html": html}
