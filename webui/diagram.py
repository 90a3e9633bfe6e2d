"""The case's diagram on the case page: its BPMN text for the bpmn-js viewer (to those who
may read the case, S1) and the viewer's own files, served from the project's node_modules.

The viewer comes from npm (package.json, installed by `npm ci` in scripts/demo and
scripts/test); only the few files the NavigatedViewer needs are served, nothing else
under node_modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, request, send_from_directory
from flask_babel import get_locale
from lxml import etree

from engine.config import PROJECT_ROOT
from engine.definitions.case_diagram import diagram_xml
from engine.people.visibility import visible_case

from .auth import signed_in
from .extensions import request_session
from .labels import translated

diagram = Blueprint("diagram", __name__)

# the NavigatedViewer's script and style sheets, by the name the page asks for
VIEWER_FILES = {
    "bpmn-navigated-viewer.js": "dist/bpmn-navigated-viewer.production.min.js",
    "diagram-js.css": "dist/assets/diagram-js.css",
    "bpmn-js.css": "dist/assets/bpmn-js.css",
}


def viewer_dir() -> Path:
    """bpmn-js as installed by npm (JTFLOW_NODE_MODULES overrides the project's node_modules)."""
    root = Path(current_app.config.get("JTFLOW_NODE_MODULES") or PROJECT_ROOT / "node_modules")
    return root / "bpmn-js"


def viewer_installed() -> bool:
    folder = viewer_dir()
    return all((folder / path).is_file() for path in VIEWER_FILES.values())


@diagram.get("/assets/bpmn-js/<name>")
def viewer_file(name: str) -> Any:
    path = VIEWER_FILES.get(name)
    if path is None or not viewer_installed():
        abort(404, "流程图查看器文件不存在：请在项目目录运行 `npm ci`")
    folder, _, file = path.rpartition("/")
    return send_from_directory(viewer_dir() / folder, file, max_age=3600)


@diagram.get("/cases/<case_no>/diagram.bpmn")
@signed_in
def case_diagram(case_no: str) -> Any:
    """The BPMN XML of the definition version the case runs on (`?version=`: an earlier one
    it ran on, for the step-through view of a migrated case)."""
    version = request.args.get("version", type=int)
    with request_session() as db:
        xml = diagram_xml(db, visible_case(db, g.user, case_no), version)
    return bpmn_answer(xml)


def bpmn_answer(xml: str) -> Any:
    """A diagram for the viewer, its element names in the reader's language."""
    return in_reader_language(xml), 200, {"Content-Type": "application/xml; charset=utf-8"}


def in_reader_language(xml: str) -> str:
    """The BPMN text with every element's name translated (webui.labels.translated); in
    Chinese, or when nothing translates, the text exactly as deployed."""
    if str(get_locale()) == "zh":
        return xml
    root = etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False))
    for element in root.iter():
        name = element.get("name") if isinstance(element.tag, str) else None
        if name:
            element.set("name", translated(name))
    return etree.tostring(root, encoding="unicode")
