"""Lists the texts of processes/*.bpmn and forms/*.json that the pages show, so that each
gets an English msgstr in webui/translations/en/LC_MESSAGES/messages.po.

The pages translate these at display time (webui.labels.translated); one without a msgstr
shows as written. Listed: the name of every element a diagram draws or a page shows (pools,
processes, lanes, tasks, events, gateways, flow labels), and every form's titles,
descriptions and choices (oneOf/anyOf titles, enum values); and each task's post (岗位, its
`role` property), which webui.labels.post_name translates in the catalog's "post" context.
One line per text: the text, a tab, where it comes from (a post's line starts "post:").

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
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
UNSHOWN_ELEMENTS = ("inputDataItem", "outputDataItem", "dataObject", "dataObjectReference")
POST = "post"  # the catalog context of posts (岗位) and roles
SUBSCHEMAS = ("items", "if", "then", "else")
SCHEMA_LISTS = ("oneOf", "anyOf", "allOf")

Where = str  # e.g. "forms/classify.json#/properties/decision/title"


def bpmn_texts(path: Path) -> Iterator[tuple[str, Where]]:
    """The names of the elements of one diagram that a page shows or the diagram draws."""
    tree = etree.parse(str(path))
    for element in tree.iter(f"{{{BPMN}}}*"):
        if etree.QName(element).localname in UNSHOWN_ELEMENTS:
            continue
        if name := (element.get("name") or "").strip():
            yield name, f"{_relative(path)}#{element.get('id')}"


def bpmn_posts(path: Path) -> Iterator[tuple[str, Where]]:
    """The posts (岗位) its tasks are addressed to: `role` properties that are not expressions."""
    tree = etree.parse(str(path))
    for prop in tree.iter(f"{{{SPIFF}}}property"):
        value = (prop.get("value") or "").strip()
        if prop.get("name") == "role" and value and not value.startswith("="):
            task = next((a for a in prop.iterancestors() if a.get("id")), prop)
            yield value, f"{_relative(path)}#{task.get('id')}"


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


def diagram_posts(processes: Path = ROOT / "processes") -> dict[str, list[Where]]:
    """Every post (岗位) a diagram addresses a task to, with the places it is written."""
    found: dict[str, list[Where]] = {}
    for path in sorted(processes.glob("*.bpmn")):
        for text, where in bpmn_posts(path):
            found.setdefault(text, []).append(where)
    return found


def translated_ids(catalog: Path = CATALOG, context: str | None = None) -> set[str]:
    """The msgids (in `context`) with a msgstr that `pybabel compile` keeps: not fuzzy, not
    plural."""
    with catalog.open("rb") as po:
        return {
            m.id
            for m in read_po(po)
            if isinstance(m.id, str) and m.id and m.string and not m.fuzzy and m.context == context
        }


def missing(
    messages: dict[str, list[Where]], catalog: Path = CATALOG, context: str | None = None
) -> dict[str, list[Where]]:
    """The texts among `messages` that the catalog does not translate yet (in `context`)."""
    done = translated_ids(catalog, context)
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
    messages, posts = diagram_messages(), diagram_posts()
    if args.missing:
        messages, posts = missing(messages), missing(posts, context=POST)
    for text, places in messages.items():
        print(f"{text}\t{', '.join(places)}")
    for text, places in posts.items():
        print(f"{POST}:{text}\t{', '.join(places)}")
    return 1 if args.missing and (messages or posts) else 0


if __name__ == "__main__":
    sys.exit(main())
