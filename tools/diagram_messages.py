"""Lists the texts of processes/*.bpmn and forms/*.json that the pages show, so that each
gets an English msgstr in webui/translations/en/LC_MESSAGES/messages.po.

The pages translate these at display time (webui.labels.translated); one without a msgstr
shows as written. Listed: process, user-task and boundary-timer names, and every form's titles,
descriptions and choices (oneOf/anyOf titles, enum values). One line per text: the text,
a tab, where it comes from.

    python tools/diagram_messages.py            # every text
    python tools/diagram_messages.py --missing  # only those without an English msgstr
                                                # (exit status 1 when there are any)

After adding msgstrs: `pybabel compile -d webui/translations`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "webui" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SHOWN_ELEMENTS = ("process", "userTask", "boundaryEvent")  # step, timer and process names
SUBSCHEMAS = ("items", "if", "then", "else")
SCHEMA_LISTS = ("oneOf", "anyOf", "allOf")

Where = str  # e.g. "forms/classify.json#/properties/decision/title"


def bpmn_texts(path: Path) -> Iterator[tuple[str, Where]]:
    """The names of the processes and user tasks in one diagram."""
    tree = etree.parse(str(path))
    for tag in SHOWN_ELEMENTS:
        for element in tree.iter(f"{{{BPMN}}}{tag}"):
            if name := (element.get("name") or "").strip():
                yield name, f"{_relative(path)}#{element.get('id')}"


def schema_texts(schema: Any, where: Where) -> Iterator[tuple[str, Where]]:
    """Titles, descriptions and choices of a JSON Schema and all its subschemas (a property
    named "title" is a field, not a text: only keywords are read)."""
    if not isinstance(schema, dict):
        return
    for keyword in ("title", "description"):
        if isinstance(schema.get(keyword), str) and schema[keyword].strip():
            yield schema[keyword], f"{where}/{keyword}"
    for i, value in enumerate(schema.get("enum", [])):
        if isinstance(value, str) and value.strip():
            yield value, f"{where}/enum/{i}"
    for key, prop in (schema.get("properties") or {}).items():
        yield from schema_texts(prop, f"{where}/properties/{key}")
    for keyword in SUBSCHEMAS:
        yield from schema_texts(schema.get(keyword), f"{where}/{keyword}")
    for keyword in SCHEMA_LISTS:
        for i, sub in enumerate(schema.get(keyword, [])):
            yield from schema_texts(sub, f"{where}/{keyword}/{i}")


def diagram_messages(
    processes: Path = ROOT / "processes", forms: Path = ROOT / "forms"
) -> dict[str, list[Where]]:
    """Every text the pages may show, with the places it is written (files in name order)."""
    found: dict[str, list[Where]] = {}
    pairs = [p for path in sorted(processes.glob("*.bpmn")) for p in bpmn_texts(path)]
    for path in sorted(forms.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        pairs += schema_texts(schema, f"{_relative(path)}#")
    for text, where in pairs:
        found.setdefault(text, []).append(where)
    return found


def translated_ids(catalog: Path = CATALOG) -> set[str]:
    """The msgids with a msgstr that `pybabel compile` keeps: not fuzzy, not plural."""
    with catalog.open("rb") as po:
        return {
            m.id for m in read_po(po) if isinstance(m.id, str) and m.id and m.string and not m.fuzzy
        }


def missing(messages: dict[str, list[Where]], catalog: Path = CATALOG) -> dict[str, list[Where]]:
    """The texts among `messages` that the catalog does not translate yet."""
    done = translated_ids(catalog)
    return {text: places for text, places in messages.items() if text not in done}


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missing", action="store_true", help="only texts without a msgstr")
    args = parser.parse_args(argv)
    messages = diagram_messages()
    shown = missing(messages) if args.missing else messages
    for text, places in shown.items():
        print(f"{text}\t{', '.join(places)}")
    return 1 if args.missing and shown else 0


if __name__ == "__main__":
    sys.exit(main())
