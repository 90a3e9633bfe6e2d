"""The knowledge base (SPEC §5 O2, standard 第四节 3): entries in the 12328 knowledge base's
format, each edit a new version (old ones stay readable), searched by the seats, and linked
from the event cases that used them.

Two kinds of case run processes/knowledge_revision.bpmn: a unit's new knowledge after a
change of duty or policy (报送 within 5 working days of the change, then the center's
审核入库, which writes the entry's new version in the step that accepts it), and the one
standing quarterly schedule whose timer cycle opens the center's revision every quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from .knowledge_rows import FIELDS, PROCESS, write_version
from .models import Instance, KnowledgeEntry, KnowledgeLink, KnowledgeVersion, Task, User
from .people.access_rule import CENTER, check_may_change
from .people.reference import UNIT_CODES
from .people.starting import EXTERNAL, may_report_change
from .people.users import get_user
from .people.visibility import visible_case
from .run.spiff import utc_iso
from .service import CaseRef, Jtflow
from .time.clock import parse_instant

POLICY_FORM = "knowledge_policy_change"
SUBMIT_WD = 5  # O2: new knowledge within 5 working days of the change of duty or policy
SUBMIT_STEP = "submit"  # 报送新知识, watched by its deadline timer
EDITOR_ROLES = ("投诉受理岗", "管理员")  # the 12328 seats keep the knowledge base
SEARCH_LIMIT = 200
MAX_ID = 2**31 - 1  # an integer column's range: a larger number names no entry
LIMITS = {
    "title": 200,
    "category": 100,
    "question": 2000,
    "answer": 8000,
    "basis": 1000,
    "keywords": 200,
}
LABELS = {
    "title": "标题",
    "category": "分类",
    "question": "问题",
    "answer": "答复口径",
    "basis": "依据",
}


@dataclass(frozen=True)
class EntryView:
    entry: KnowledgeEntry
    current: KnowledgeVersion


# -- cases -----------------------------------------------------------------------------


def start_schedule(jtflow: Jtflow, *, starter: str) -> str:
    """The standing quarterly case (its timer cycle opens each quarter's revision); a second
    call finds the running one instead of starting another, so the revision opens once."""
    with jtflow.sessions() as session:
        running = schedule_case(session)
        if running is not None:
            return str(running.case_no)
    facts = {
        "kind": "quarterly",
        "title": "知识库季度修订",
        "channel": PROCESS,
        "urgency": "normal",
    }
    try:
        return jtflow.start_case(PROCESS, facts, starter=starter).case_no
    except Conflict:  # started by someone else since the look above (knowledge_rows)
        with jtflow.sessions() as session:
            running = schedule_case(session)
        if running is None:
            raise
        return str(running.case_no)


def schedule_case(session: Session) -> Instance | None:
    query = select(Instance).where(
        Instance.channel == PROCESS,
        Instance.status == "running",
        Instance.facts["kind"].as_string() == "quarterly",
    )
    return session.scalars(query.order_by(Instance.id).limit(1)).first()


def report_policy_change(jtflow: Jtflow, form: dict[str, Any], *, reporter: str) -> CaseRef:
    """登记职能或政策调整: the named unit then has 5 working days from the change to submit
    its new knowledge (O2); a change registered late opens a step already red."""
    jtflow.forms.validate(POLICY_FORM, form)
    with jtflow.sessions() as session:
        user = get_user(session, reporter)
    if not may_report_change(user):
        raise PermissionDenied(
            f"{reporter} 不能登记职能或政策调整：由单位的办理人、单位领导、数据资源管理员"
            "或监测中心登记（S1、O2）"
        )
    unit = _unit_of(user, form.get("unit_code"))
    try:
        changed_at = parse_instant(form["changed_at"])
    except ValueError as e:
        raise InvalidInput(str(e), [FieldError("changed_at", str(e))]) from None
    if changed_at > jtflow.clock.now():
        message = "调整时间不能晚于现在：请填写已经生效或公布的调整"
        raise InvalidInput(message, [FieldError("changed_at", message)])
    facts = {
        **form,
        "kind": "policy_change",
        "unit_code": unit,
        "changed_at": utc_iso(changed_at),
        "title": f"知识报送：{form['policy_title'].strip()}",
        "channel": PROCESS,
        "urgency": "normal",
        "reporter": user.username,
        "reporter_unit": user.unit_code,
    }
    return jtflow.start_case(PROCESS, facts, starter=reporter)


def _unit_of(user: User, named: str | None) -> str:
    """A unit registers its own change; the center names the unit that must submit."""
    if user.unit_code != CENTER:
        if named and named != user.unit_code:
            raise PermissionDenied(f"{user.username} 只能登记本单位的调整（S1）")
        return user.unit_code
    if not named or named not in UNIT_CODES or named in (CENTER, EXTERNAL):
        message = "请填写负责报送新知识的单位代码（SPEC §1），如 TRANSPORT_DEV"
        raise InvalidInput(message, [FieldError("unit_code", message)])
    return named


def changes_of_unit(
    session: Session, unit: str | None, now: datetime, *, late: bool | None = None
) -> list[tuple[Instance, bool]]:
    """A unit's changes of duty or policy, newest first (None: every unit's), each with
    whether its new knowledge came late or is still missing past its deadline (O2, A2);
    `late` keeps only the late ones (or only those in time)."""
    query = select(Instance).where(
        Instance.channel == PROCESS, Instance.facts["kind"].as_string() == "policy_change"
    )
    if unit is not None:
        query = query.where(Instance.facts["unit_code"].as_string() == unit)
    cases = list(session.scalars(query.order_by(Instance.id.desc()).limit(500)))
    late_ids = set(
        session.scalars(
            select(Task.instance_id).where(
                Task.instance_id.in_([c.id for c in cases]),
                Task.element_id == SUBMIT_STEP,
                Task.due_at.is_not(None),
                or_(
                    Task.completed_at > Task.due_at,
                    and_(Task.state == "open", Task.due_at <= now),
                ),
            )
        )
    )
    rows = [(case, case.id in late_ids) for case in cases]
    return rows if late is None else [(c, was) for c, was in rows if was is late]


# -- the knowledge base ----------------------------------------------------------------


def may_edit(user: User) -> bool:
    roles = user.roles or []
    return user.active and user.unit_code == CENTER and any(r in roles for r in EDITOR_ROLES)


def edit_entry(
    jtflow: Jtflow, entry_id: int, fields: dict[str, Any], *, editor: str, note: str
) -> KnowledgeVersion:
    """修订条目 on the knowledge base's page (the quarterly revision, a correction): a new
    version; entry_id 0 adds an entry. The earlier versions stay as they were."""
    with jtflow.sessions() as session:
        user = get_user(session, editor)
        check_may_change(user)
        if not may_edit(user):
            raise PermissionDenied(
                f"{editor} 不能修订知识库：由监测中心投诉受理岗维护（O2）；单位的新知识请登记"
                "职能或政策调整后报送"
            )
        problems = (
            [
                FieldError(name, f"请填写{label}")
                for name, label in LABELS.items()
                if not str(fields.get(name) or "").strip()
            ]
            + [
                FieldError(name, f"{LABELS.get(name, '关键词')}不能超过 {most} 个字符")
                for name, most in LIMITS.items()
                if len(str(fields.get(name) or "")) > most
            ]
            + [
                FieldError(name, f"{LABELS.get(name, name)}不能含 NUL 字符")
                for name in (*FIELDS, "unit_code")
                if "\x00" in str(fields.get(name) or "")
            ]
        )
        if len(note) > 400 or "\x00" in note:
            problems.append(FieldError("note", "修订说明不能超过 400 个字符，也不能含 NUL 字符"))
        if problems:
            raise InvalidInput("条目未保存：" + "；".join(p.message for p in problems), problems)
        named = str(fields.get("unit_code") or "")
        if named and named not in UNIT_CODES:
            message = f"未知单位代码 {named[:40]}：应为 SPEC §1 的单位代码之一，如 TRANSPORT_DEV"
            raise InvalidInput(message, [FieldError("unit_code", message)])
        if entry_id:
            known_entry(session, entry_id)
        clean = {name: str(fields.get(name) or "") for name in FIELDS}
        unit = str(fields.get("unit_code") or "") or _previous_unit(session, entry_id) or CENTER
        version = write_version(
            session,
            entry_id,
            clean,
            unit=unit,
            note=note.strip()[:400],
            by=editor,
            now=jtflow.clock.now(),
        )
        session.commit()
        session.refresh(version)
        session.expunge(version)
        return version


def known_entry(session: Session, entry_id: int) -> KnowledgeEntry:
    entry = session.get(KnowledgeEntry, entry_id) if 1 <= entry_id <= MAX_ID else None
    if entry is None:
        raise NotFound(f"知识条目 {entry_id} 不存在：请从知识库检索条目编号")
    return entry


def _previous_unit(session: Session, entry_id: int) -> str | None:
    if not entry_id:
        return None
    return session.scalar(
        select(KnowledgeVersion.unit_code)
        .where(KnowledgeVersion.entry_id == entry_id)
        .order_by(KnowledgeVersion.version.desc())
        .limit(1)
    )


def search(session: Session, words: str = "", category: str | None = None) -> list[EntryView]:
    """Entries whose current version contains every word (title, question, answer, basis,
    keywords), newest change first; no words: every entry."""
    query = select(KnowledgeEntry, KnowledgeVersion).join(
        KnowledgeVersion,
        (KnowledgeVersion.entry_id == KnowledgeEntry.id)
        & (KnowledgeVersion.version == KnowledgeEntry.current_version),
    )
    for word in words.replace(",", " ").replace("，", " ").split()[:8]:
        pattern = f"%{_escape(word.lower())}%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        KnowledgeVersion.title,
                        KnowledgeVersion.question,
                        KnowledgeVersion.answer,
                        KnowledgeVersion.basis,
                        KnowledgeVersion.keywords,
                    )
                )
            )
        )
    if category:
        query = query.where(KnowledgeVersion.category == category)
    query = query.order_by(KnowledgeVersion.written_at.desc(), KnowledgeEntry.id.desc())
    return [EntryView(e, v) for e, v in session.execute(query.limit(SEARCH_LIMIT))]


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def versions_of(session: Session, entry_id: int) -> list[KnowledgeVersion]:
    """Every version of the entry, newest first (NotFound for an unknown entry)."""
    known_entry(session, entry_id)
    rows = list(
        session.scalars(
            select(KnowledgeVersion)
            .where(KnowledgeVersion.entry_id == entry_id)
            .order_by(KnowledgeVersion.version.desc())
        )
    )
    if not rows:
        raise NotFound(f"知识条目 {entry_id} 不存在")
    return rows


# -- links from cases --------------------------------------------------------------------


def link_entry(jtflow: Jtflow, case: str | int, entry_id: int, *, username: str) -> KnowledgeLink:
    """A handler notes that the case used the entry (at its current version); linking twice
    keeps the first link."""
    with jtflow.sessions() as session:
        user = get_user(session, username)
        check_may_change(user)
        instance = visible_case(session, user, case)
        if not is_event_case(instance):
            raise InvalidInput(f"案件 {instance.case_no} 不是事件案件：知识库条目关联在事件案件上")
        entry = known_entry(session, entry_id)
        link = session.scalar(
            select(KnowledgeLink).where(
                KnowledgeLink.entry_id == entry_id, KnowledgeLink.instance_id == instance.id
            )
        )
        if link is None:
            link = KnowledgeLink(
                entry_id=entry_id,
                version=entry.current_version,
                instance_id=instance.id,
                linked_by=username,
                linked_at=jtflow.clock.now(),
            )
            session.add(link)
            session.commit()
            session.refresh(link)
        session.expunge(link)
        return link


def is_event_case(instance: Instance) -> bool:
    """An event's case (the lifecycle): the other processes' cases name their process."""
    return not (instance.facts or {}).get("process")


def links_of_case(session: Session, instance_id: int) -> list[tuple[KnowledgeLink, str]]:
    """The entries a case used, with each entry's current title."""
    query = (
        select(KnowledgeLink, KnowledgeVersion.title)
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeLink.entry_id)
        .join(
            KnowledgeVersion,
            (KnowledgeVersion.entry_id == KnowledgeEntry.id)
            & (KnowledgeVersion.version == KnowledgeEntry.current_version),
        )
        .where(KnowledgeLink.instance_id == instance_id)
        .order_by(KnowledgeLink.linked_at)
    )
    return [(link, title) for link, title in session.execute(query)]


def cases_of_entry(session: Session, entry_id: int) -> list[tuple[KnowledgeLink, Instance]]:
    """The cases that used the entry, newest link first."""
    known_entry(session, entry_id)
    query = (
        select(KnowledgeLink, Instance)
        .join(Instance, Instance.id == KnowledgeLink.instance_id)
        .where(KnowledgeLink.entry_id == entry_id)
        .order_by(KnowledgeLink.linked_at.desc())
        .limit(500)
    )
    return [(link, case) for link, case in session.execute(query)]
