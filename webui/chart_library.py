"""ECharts for the assessment dashboard, served from the project's node_modules as bpmn-js
is (webui/diagram.py): package.json pins it, `npm ci` installs it, and only its one
prebuilt file is served — no CDN, and nothing in it needs eval, so the CSP
`script-src 'self'` holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, send_from_directory

from engine.config import PROJECT_ROOT

chart_library = Blueprint("chart_library", __name__)

# the "common" build: bar, line, pie and scatter charts with their grid, legend and tooltip
ECHARTS_FILE = "echarts.common.min.js"


def echarts_dir() -> Path:
    """echarts/dist as installed by npm (JTFLOW_NODE_MODULES overrides node_modules)."""
    root = Path(current_app.config.get("JTFLOW_NODE_MODULES") or PROJECT_ROOT / "node_modules")
    return root / "echarts" / "dist"


@chart_library.get("/assets/echarts/echarts.min.js")
def echarts_file() -> Any:
    if not (echarts_dir() / ECHARTS_FILE).is_file():
        abort(404, "图表库文件不存在：请在项目目录运行 `npm ci`")
    return send_from_directory(echarts_dir(), ECHARTS_FILE, max_age=3600)
