"""The knowledge base over the API (O2): search and read entries with every version and the
cases that used them; the center's 投诉受理岗 adds entries and versions; a unit registers a
change of duty or policy (its new knowledge due in 5 working days) and lists its changes,
the late ones with `late=true` (A2); a handler links an entry on an event case."""

from __future__ import annotations

from typing import Any

from flask import g

from engine import knowledge as service
from engine.errors import FieldError, FormInvalid, InvalidInput, NotFound, PermissionDenied
from engine.models import Instance, KnowledgeLink, KnowledgeVersion
from engine.people.access_rule import CENTER, check_may_change, reads_everything
from engine.people.starting import EXTERNAL

from ..extensions import current_jtflow, request_session
from ..reading import reading_case
from .blueprint import api
from .bodies import Query, json_object
from .problems import with_choices
from .shapes import started

EDITABLE = ("title", "category", "question", "answer", "basis", "keywords", "unit_code")


def _check_reader() -> None:
    if g.user.unit_code == EXTERNAL:
        raise PermissionDenied(f"{g.user.username} 不能查看知识库：知识库供政务部门使用（S1）")


@api.get("/knowledge")
def search_knowledge() -> Any:
    _check_reader()
    query = Query()
    words, category = query.text("q") or "", query.text("category")
    query.check()
    with request_session() as db:
        found = service.search(db, words[:200], category)
        return {"entries": [entry_json(e.entry.id, e.current) for e in found]}


@api.post("/knowledge")
def add_entry() -> Any:
    return _write(0)


@api.get("/knowledge/<int:entry_id>")
def knowledge_entry(entry_id: int) -> Any:
    _check_reader()
    with request_session() as db:
        versions = service.versions_of(db, entry_id)
        cases = service.cases_of_entry(db, entry_id)
        return {
            **entry_json(entry_id, versions[0]),
            "versions": [version_json(v) for v in versions],
            "cases": [link_json(link, case) for link, case in cases],
        }


@api.post("/knowledge/<int:entry_id>/versions")
def revise_entry(entry_id: int) -> Any:
    if entry_id < 1:  # 0 would add an entry: that is POST /api/knowledge
        raise NotFound(f"知识条目 {entry_id} 不存在")
    return _write(entry_id)


@api.get("/knowledge/<int:entry_id>/versions/<int:version>")
def knowledge_version(entry_id: int, version: int) -> Any:
    _check_reader()
    with request_session() as db:
        versions = service.versions_of(db, entry_id)
    for row in versions:
        if row.version == version:
            return {**version_json(row), "entry_id": entry_id}
    raise NotFound(f"知识条目 {entry_id} 没有第 {version} 版")


def _write(entry_id: int) -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    body = json_object()
    unknown = sorted(set(body) - {*EDITABLE, "note"})
    if unknown:
        message = f"未知字段 {unknown[0][:40]}：条目只有 {'、'.join(EDITABLE)}、note"
        raise InvalidInput(message, [FieldError(unknown[0][:40], message)])
    fields = {name: _text(body, name) for name in EDITABLE}
    written = service.edit_entry(
        engine, entry_id, fields, editor=g.user.username, note=_text(body, "note")
    )
    return {**version_json(written), "entry_id": written.entry_id}, 201


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        message = f"{name} 应为字符串"
        raise InvalidInput(message, [FieldError(name, message)])
    return value


@api.post("/knowledge/changes")
def report_change() -> Any:
    engine = current_jtflow()
    check_may_change(g.user)
    body = json_object()
    try:
        ref = service.report_policy_change(engine, body, reporter=g.user.username)
    except FormInvalid as e:
        raise with_choices(e, engine.forms.schema(service.POLICY_FORM)) from None
    return started(ref)


@api.get("/knowledge/changes")
def list_changes() -> Any:
    _check_reader()
    query = Query()
    late = query.choice("late", ("true", "false"))
    query.check()
    everything = reads_everything(g.user) or g.user.unit_code == CENTER
    with request_session() as db:
        rows = service.changes_of_unit(
            db,
            None if everything else g.user.unit_code,
            current_jtflow().clock.now(),
            late=None if late is None else late == "true",
        )
        return {"changes": [change_json(case, was_late) for case, was_late in rows]}


@api.get("/cases/<ref>/knowledge")
def case_knowledge(ref: str) -> Any:
    with reading_case(ref) as (db, instance):
        return {
            "links": [
                {**link_json(link), "title": title}
                for link, title in service.links_of_case(db, instance.id)
            ]
        }


@api.post("/cases/<ref>/knowledge")
def link_knowledge(ref: str) -> Any:
    body = json_object()
    entry_id = body.get("entry_id")
    if not isinstance(entry_id, int) or isinstance(entry_id, bool) or entry_id < 1:
        message = "entry_id 应为知识库条目编号（正整数）"
        raise InvalidInput(message, [FieldError("entry_id", message)])
    link = service.link_entry(current_jtflow(), ref, entry_id, username=g.user.username)
    return link_json(link), 201


def entry_json(entry_id: int, current: KnowledgeVersion) -> dict[str, Any]:
    return {"entry_id": entry_id, "current": version_json(current)}


def version_json(v: KnowledgeVersion) -> dict[str, Any]:
    return {
        "version": v.version,
        "title": v.title,
        "category": v.category,
        "question": v.question,
        "answer": v.answer,
        "basis": v.basis,
        "keywords": v.keywords,
        "unit_code": v.unit_code,
        "note": v.note,
        "from_case": v.instance_id is not None,
        "written_at": v.written_at.isoformat(),
        "written_by": v.written_by,
    }


def link_json(link: KnowledgeLink, case: Instance | None = None) -> dict[str, Any]:
    answer = {
        "entry_id": link.entry_id,
        "version": link.version,
        "linked_by": link.linked_by,
        "linked_at": link.linked_at.isoformat(),
    }
    if case is not None:
        answer["case_no"] = case.case_no
    return answer


def change_json(case: Instance, late: bool) -> dict[str, Any]:
    facts = case.facts or {}
    return {
        "case_no": case.case_no,
        "case_id": case.id,
        "status": case.status,
        "policy_title": facts.get("policy_title"),
        "unit": facts.get("unit_code"),
        "changed_at": facts.get("changed_at"),
        "late": late,
        "created_at": case.created_at.isoformat(),
    }
