"""DESIGN.md: engine/ never imports Flask and never reads the wall clock outside engine/time/clock.py."""

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


# engine/ by noun (DESIGN.md "The picture"): each folder may import the folders before it
# in this order and the foundation modules, never a folder after it nor the services on
# top (engine/*.py other than the foundation). The services may import any folder.
LAYERS = ("time", "people", "run", "definitions", "record", "data")
FOUNDATION = {"errors", "models", "db"}


def engine_imports(path: Path) -> set[str]:
    """Every engine module `path` imports, as a dotted name under engine (`run.step`)."""
    package = path.relative_to(ENGINE).parent.parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("engine.") for a in node.names if a.name.startswith("engine.")
            }
        elif isinstance(node, ast.ImportFrom):
            named = (node.module or "").split(".") if node.module else []
            if node.level:
                parts = [*package[: len(package) - node.level + 1], *named]
            elif named[:1] == ["engine"]:
                parts = named[1:]
            else:
                continue
            module = ".".join(parts)
            if module in ("", *LAYERS):  # a package: what is imported are its modules
                found |= {".".join([*parts, a.name]) for a in node.names}
            else:
                found.add(module)
    return found


def layer_of(module: str) -> str:
    head = module.split(".")[0]
    return head if head in LAYERS else ("foundation" if head in FOUNDATION else "services")


def test_each_folder_imports_only_the_folders_below_it():
    for path in engine_modules():
        here = layer_of(".".join(path.relative_to(ENGINE).with_suffix("").parts))
        if here not in LAYERS:
            continue
        for module in engine_imports(path):
            there = layer_of(module)
            assert there == "foundation" or (
                there in LAYERS and LAYERS.index(there) <= LAYERS.index(here)
            ), f"{path.relative_to(ENGINE)} ({here}) imports engine.{module} ({there})"


def test_the_foundation_imports_no_folder_and_no_service():
    for name in FOUNDATION:
        for module in engine_imports(ENGINE / f"{name}.py"):
            assert layer_of(module) == "foundation", f"engine/{name}.py imports engine.{module}"


def test_engine_modules_import_no_circle():
    graph = {}
    for path in engine_modules():
        name = ".".join(path.relative_to(ENGINE).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {m for m in engine_imports(path) if m != name}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, "import circle: " + " → ".join([*trail, name])
        if name in done or name not in graph:
            return
        for module in sorted(graph[name]):
            visit(module, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
