"""DESIGN.md: engine/ never imports Flask and never reads the wall clock outside engine/clock.py."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def engine_modules() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py") if "migrations" not in p.parts)


def test_engine_does_not_import_flask_or_webui():
    for path in engine_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("flask", "webui")), f"{path.name} imports {name}"


def test_only_the_clock_module_reads_the_wall_clock():
    for path in engine_modules():
        if path.name == "clock.py":
            continue
        text = path.read_text()
        for forbidden in ("datetime.now(", "datetime.utcnow(", "time.time("):
            assert forbidden not in text, f"{path.name} calls {forbidden}"
