"""Retention (O4; standard 第三节3): what the bureau may remove, and removing it on record.

Every kind of stored record has a class: static data is kept for ever, dynamic data at least
one year, audio and video ("media") at least three months. The classes are minimums: nothing
is removed by itself. `plan` lists what may go and why, and what is old enough but kept, and
why; `apply` removes exactly what a plan made at that instant lists. A record is kept,
whatever its age, while a running case, a live grant or an open audit hold needs it.

A removed attachment keeps its row (its name, SHA-256 and size stay what the history vouched
for) and loses its content; the removal is an event in its case's history chain, so `audit
verify` accepts it and a replay re-executes it. Other removals are written to the access log.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..models import (
    Attachment,
    Grant,
    Instance,
    Notification,
    NotificationDigest,
    RetentionHold,
    SignInFailures,
    TrialRun,
    User,
)
from ..people.access_rule import AUDITOR
from ..people.accounts import log_access
from ..people.user_admin import ADMINISTRATOR
from ..run.history import append_to_ended_case
from ..run.runtime import ENDED
from ..time.clock import SHANGHAI, to_utc
from .attachments import AttachmentStore

# the minimum each class is kept, in calendar months (None: for ever)
MINIMUM_MONTHS: dict[str, int | None] = {"static": None, "dynamic": 12, "media": 3}
CLASS_NAMES = {
    "static": "静态基础信息（永久保存）",
    "dynamic": "动态信息（不少于一年）",
    "media": "音视频信息（不少于三个月）",
}
KIND_NAMES = {  # what is listed, by name (the pages translate them)
    "attachment": "附件",
    "trial_run": "试运行记录",
    "sign_in_failure": "登录失败记录",
    "notification": "通知",
    "notification_digest": "每日摘要记录",
}
PER_ROW = "per_row"  # the row says its class (attachments declare theirs)

# Every table's class, and why: a new table must be classed here (a test holds that).
RECORD_CLASSES: dict[str, tuple[str, str]] = {
    "organisation": ("static", "units and their duties"),
    "user_account": ("static", "who may act; history names them"),
    "api_token": ("static", "a token's hash answers who used the API"),
    "sign_in_failure": ("dynamic", "counters of failed sign-ins from one address"),
    "access_log": ("static", "S1's record of reads and refusals, evidence for audits"),
    "definition": ("static", "every deployed version; replays run on them"),
    "diagram_draft": ("static", "an owner's draft, theirs until they discard it"),
    "form_version": ("static", "every deployed form; history refers to them"),
    "form_draft": ("static", "an owner's draft"),
    "trial_run": ("dynamic", "a draft tried on closed cases: its results"),
    "instance": ("static", "the cases themselves"),
    "task": ("static", "the cases' steps"),
    "timer": ("static", "the cases' deadlines"),
    "calendar_year": ("static", "the calendar in force; replays need it"),
    "history_event": ("static", "S2's append-only chain"),
    "audit_anchor": ("static", "S2's signed checkpoints"),
    "audit_anchor_head": ("static", "S2's anchored heads"),
    "catalogue_resource": ("static", "the catalogue (D1)"),
    "catalogue_change": ("static", "the catalogue's history"),
    "data_administrator": ("static", "O5's register, kept with its history"),
    "data_grant": ("static", "grants and revocations (D6)"),
    "attachment": (PER_ROW, "each file declares its class (engine/record/attachments.py)"),
    "assessment_weight": ("static", "the weights in force, with their history"),
    "working_day": ("static", "derived from the calendar"),
    "assessment_tally": ("static", "derived running totals"),
    "assessment_mark": ("static", "derived running totals"),
    "assessment_case": ("static", "derived running totals"),
    "retention_hold": ("static", "the holds and who lifted them"),
    "notification": ("dynamic", "what a person was told of; the history keeps the events"),
    "notification_setting": ("static", "a person's digest choice"),
    "notification_digest": ("dynamic", "the daily digests made, one per person and day"),
    "knowledge_entry": ("static", "the knowledge base (O2)"),
    "knowledge_version": ("static", "every version of an entry stays readable (O2)"),
    "knowledge_link": ("static", "which cases used which entry (O2)"),
    "standing_case": ("static", "the one running case of a kind that may run alone"),
    "alembic_version": ("static", "the schema's version"),
}


@dataclass(frozen=True)
class Item:
    """One record past its class's minimum: removable, or kept for `kept_because`."""

    kind: str  # one of KIND_NAMES
    id: int
    retention: str
    since: datetime  # the instant its age counts from
    minimum_until: datetime  # when its class's minimum was reached
    label: str  # what a person reads: the file's name and case, the trial's process, …
    case_id: int | None = None
    kept_because: str | None = None
    case_no: str | None = None
    count: int = 1  # rows it stands for: notifications and digests are listed as one batch

    @property
    def removable(self) -> bool:
        return self.kept_because is None


@dataclass(frozen=True)
class Plan:
    now: datetime
    items: list[Item]

    @property
    def removable(self) -> list[Item]:
        return [item for item in self.items if item.removable]

    @property
    def kept(self) -> list[Item]:
        return [item for item in self.items if not item.removable]


def minimum_until(since: datetime, retention: str) -> datetime | None:
    """When a record of the class made at `since` has been kept its minimum (None: never)."""
    months = MINIMUM_MONTHS[retention]
    return None if months is None else _months_on(since, months)


def _months_on(instant: datetime, months: int) -> datetime:
    """The same clock time so many calendar months on (or back) in Xiamen, on the month's
    last day when it is shorter (31 March + 3 months = 30 June)."""
    local = to_utc(instant).astimezone(SHANGHAI)
    year, month = divmod(local.year * 12 + local.month - 1 + months, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return to_utc(local.replace(year=year, month=month + 1, day=day))


def plan(session: Session, now: datetime) -> Plan:
    """Every record past its class's minimum at `now`, each removable or kept, and why."""
    items = [
        *_attachments(session, now),
        *_trial_runs(session, now),
        *_failures(session, now),
        *_batch(session, now, Notification, "notification", "通知"),
        *_batch(session, now, NotificationDigest, "notification_digest", "每日摘要记录"),
    ]
    return Plan(now, items)


def months_before(now: datetime, months: int) -> datetime:
    """The latest instant whose minimum of `months` has passed by `now` at the latest (a
    clamped month end errs on keeping a row a day longer, never on removing it early)."""
    return _months_on(now, -months)


_BATCHED = {"notification": Notification, "notification_digest": NotificationDigest}


def _batch(session: Session, now: datetime, model: Any, kind: str, noun: str) -> Iterator[Item]:
    """A dynamic table of many small rows, as one item: its rows past the minimum, up to the
    newest of them by id (so an apply removes what was listed, not what came since)."""
    cutoff = months_before(now, MINIMUM_MONTHS["dynamic"] or 0)
    count, oldest, newest = session.execute(
        select(func.count(), func.min(model.at), func.max(model.id)).where(
            _aged(model.at, "dynamic", now)
        )
    ).one()
    if count:
        until = _until(oldest, "dynamic")
        label = f"{noun} {count} 条（{_day(oldest)} 至 {_day(cutoff)}）"
        yield Item(kind, newest, "dynamic", oldest, until, label, count=count)


def _aged(column: Any, retention: str, now: datetime) -> Any:
    """The rows of the class past its minimum at `now`, chosen in SQL on the column their
    age counts from (as months_before, never a day early)."""
    return column <= months_before(now, MINIMUM_MONTHS[retention] or 0)


def _until(since: datetime, retention: str) -> datetime:
    until = minimum_until(since, retention)
    assert until is not None  # static rows are never selected
    return until


def _attachments(session: Session, now: datetime) -> Iterator[Item]:
    rows = session.execute(
        select(Attachment, Instance.status, Instance.case_no)
        .outerjoin(Instance, Instance.id == Attachment.instance_id)
        .where(
            Attachment.removed_at.is_(None),
            or_(
                *(
                    and_(
                        Attachment.retention == retention,
                        _aged(Attachment.uploaded_at, retention, now),
                    )
                    for retention, months in MINIMUM_MONTHS.items()
                    if months is not None
                )
            ),
        )
        .order_by(Attachment.id)
    ).all()
    needed = _needed_cases(session, now)
    for attachment, status, case_no in rows:
        until = _until(attachment.uploaded_at, attachment.retention)
        case = attachment.instance_id
        where = f"案件 {case_no}" if case is not None else "未提交的上传"
        kept = None
        if case is not None:
            kept = needed.get(case) or (None if status in ENDED else "所属案件仍在办理")
        yield Item(
            "attachment",
            attachment.id,
            attachment.retention,
            attachment.uploaded_at,
            until,
            f"附件「{attachment.name}」（{where}）",
            case,
            kept,
            case_no,
        )


def _needed_cases(session: Session, now: datetime) -> dict[int, str]:
    """The cases a live grant or an open audit hold needs, with why."""
    needed: dict[int, str] = {}
    grants = select(Grant.instance_id, Grant.id).where(
        Grant.revoked_at.is_(None),
        or_(Grant.valid_until.is_(None), Grant.valid_until > to_utc(now)),
    )
    for case, grant in session.execute(grants):
        needed[case] = f"授权 {grant} 仍然有效"
    holds = select(RetentionHold.instance_id, RetentionHold.reason).where(
        RetentionHold.released_at.is_(None)
    )
    for case, reason in session.execute(holds):
        needed[case] = f"审计保全中：{reason}"
    return needed


def _trial_runs(session: Session, now: datetime) -> Iterator[Item]:
    finished = select(TrialRun).where(_aged(TrialRun.finished_at, "dynamic", now))
    for trial in session.scalars(finished.order_by(TrialRun.id)):
        assert trial.finished_at is not None  # a running trial is not aged
        until = _until(trial.finished_at, "dynamic")
        label = f"试运行 {trial.id}（{trial.process_id}，{trial.author}）"
        yield Item("trial_run", trial.id, "dynamic", trial.finished_at, until, label)


def _failures(session: Session, now: datetime) -> Iterator[Item]:
    aged = select(SignInFailures).where(_aged(SignInFailures.last_failed_at, "dynamic", now))
    for failure in session.scalars(aged.order_by(SignInFailures.id)):
        until = _until(failure.last_failed_at, "dynamic")
        locked = failure.locked_until is not None and failure.locked_until > to_utc(now)
        yield Item(
            "sign_in_failure",
            failure.id,
            "dynamic",
            failure.last_failed_at,
            until,
            f"登录失败记录（{failure.username}，{failure.client_address}）",
            kept_because="该地址仍被锁定" if locked else None,
        )


@dataclass(frozen=True)
class Applied:
    removed: list[Item]
    files_deleted: int


def apply(session: Session, store: AttachmentStore | None, user: User, now: datetime) -> Applied:
    """Remove what a plan made now lists as removable, each removal on record, and commit;
    then delete the files no row needs any more. A crash before the commit removes nothing;
    after it, a file left on disk is deleted by the next apply."""
    if ADMINISTRATOR not in (user.roles or []):
        raise PermissionDenied(
            f"{user.username} 不是{ADMINISTRATOR}：按保存期限删除数据需要{ADMINISTRATOR}角色"
        )
    made = plan(session, now)
    for item in made.removable:
        _remove(session, item, user.username, now)
    session.commit()
    return Applied(made.removable, _delete_unneeded_files(session, store))


def _remove(session: Session, item: Item, actor: str, now: datetime) -> None:
    reason = f"已过保存期限：{CLASS_NAMES[item.retention]}，{_day(item.since)} 起算"
    if item.kind == "attachment":
        attachment = session.get(Attachment, item.id)
        assert attachment is not None
        remove_attachment(session, attachment, actor, now, reason)
        return
    if item.kind in _BATCHED:
        model: Any = _BATCHED[item.kind]
        cutoff = months_before(now, MINIMUM_MONTHS["dynamic"] or 0)
        session.execute(delete(model).where(model.at <= cutoff, model.id <= item.id))
    else:
        model = TrialRun if item.kind == "trial_run" else SignInFailures
        session.execute(delete(model).where(model.id == item.id))
    log_access(
        session,
        now,
        actor,
        "retention_remove",
        allowed=True,
        target=(item.kind, str(item.id)),
        detail=f"{item.label}：{reason}",
    )


def remove_attachment(
    session: Session, attachment: Attachment, actor: str, now: datetime, reason: str
) -> None:
    """Mark the file removed and, for a case's file, append the removal to its chain (a
    replay re-executes it through here). The caller commits."""
    if attachment.removed_at is not None:
        raise Conflict(f"附件 {attachment.id} 已于 {_day(attachment.removed_at)} 删除")
    attachment.removed_at, attachment.removed_by, attachment.removal_reason = now, actor, reason
    if attachment.instance_id is not None:
        append_to_ended_case(
            session,
            attachment.instance_id,
            "attachment_removed",
            at=now,
            actor=actor,
            data={
                "attachment_id": attachment.id,
                "name": attachment.name,
                "sha256": attachment.sha256,
                "retention": attachment.retention,
                "reason": reason,
            },
        )
    log_access(
        session,
        now,
        actor,
        "retention_remove",
        allowed=True,
        target=("attachment", str(attachment.id)),
        detail=f"{attachment.name}：{reason}",
    )


def _delete_unneeded_files(session: Session, store: AttachmentStore | None) -> int:
    """Delete the content of every removed attachment no row still keeps (a file is
    stored once however many rows name it)."""
    if store is None:
        return 0
    removed = set(
        session.scalars(select(Attachment.sha256).where(Attachment.removed_at.is_not(None)))
    )
    kept = set(session.scalars(select(Attachment.sha256).where(Attachment.removed_at.is_(None))))
    deleted = 0
    for sha256 in sorted(removed - kept):
        path = store.path_of(sha256)
        if path.exists():
            path.unlink()
            deleted += 1
    return deleted


def place_hold(
    session: Session, user: User, case: Instance, reason: str, now: datetime
) -> RetentionHold:
    """An open audit: nothing of the case is removed until the hold is lifted."""
    _may_hold(user)
    if not reason.strip():
        raise InvalidInput("请说明保全的理由（例如审计事项或案号）")
    hold = RetentionHold(
        instance_id=case.id, reason=reason.strip(), placed_by=user.username, placed_at=now
    )
    session.add(hold)
    session.flush()
    return hold


def lift_hold(session: Session, user: User, hold_id: int, now: datetime) -> RetentionHold:
    _may_hold(user)
    hold = session.get(RetentionHold, hold_id) if 0 < hold_id < 2**31 else None
    if hold is None:
        raise NotFound(f"保全 {hold_id} 不存在：jtflow retention plan 列出现有的保全")
    if hold.released_at is not None:
        raise Conflict(f"保全 {hold_id} 已于 {_day(hold.released_at)} 解除")
    hold.released_at, hold.released_by = now, user.username
    return hold


def open_holds(session: Session) -> list[tuple[RetentionHold, str]]:
    """The open holds with their cases' numbers, oldest first."""
    rows = session.execute(
        select(RetentionHold, Instance.case_no)
        .join(Instance, Instance.id == RetentionHold.instance_id)
        .where(RetentionHold.released_at.is_(None))
        .order_by(RetentionHold.id)
    )
    return [(hold, case_no or str(hold.instance_id)) for hold, case_no in rows]


def _may_hold(user: User) -> None:
    if not set(user.roles or []) & {ADMINISTRATOR, AUDITOR}:
        raise PermissionDenied(f"{user.username} 不能保全案件：由审计员或{ADMINISTRATOR}保全")


def check_reader(user: User) -> None:
    """Who may read the plan and the holds: the administrators who apply it, the auditors
    who hold cases."""
    if not set(user.roles or []) & {ADMINISTRATOR, AUDITOR}:
        raise PermissionDenied(f"{user.username} 不能查看保存期限：由{ADMINISTRATOR}或审计员查看")


def said_removed(session: Session, instance_id: int) -> list[str]:
    """The case's files removed under retention, each in a sentence: a replay needs only
    what the history recorded of them, but whoever reads it should know they are gone."""
    removed = session.scalars(
        select(Attachment)
        .where(Attachment.instance_id == instance_id, Attachment.removed_at.is_not(None))
        .order_by(Attachment.id)
    )
    return [
        f"附件「{a.name}」已于 {_day(a.removed_at)} 按保存期限删除（{CLASS_NAMES[a.retention]}），"
        "内容不可再取；重放依据历史记录的文件名和 SHA-256 进行"
        for a in removed
        if a.removed_at is not None
    ]


def _day(instant: datetime) -> str:
    return to_utc(instant).astimezone(SHANGHAI).strftime("%Y-%m-%d")


def unclassed(tables: Iterable[str]) -> list[str]:
    return sorted(set(tables) - set(RECORD_CLASSES))


def describe_item(item: Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "id": item.id,
        "retention": item.retention,
        "since": item.since.isoformat(),
        "minimum_until": item.minimum_until.isoformat(),
        "label": item.label,
        "case_no": item.case_no,
        "kept_because": item.kept_because,
        "count": item.count,
    }
