"""The tables: definitions stored once per version, instances without their spec,
and the normalized rows that inboxes, timers and auditors query (DESIGN.md "Storage")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware instants as UTC and always hands back aware UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware instant")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """On SQLite, parse the stored text with the C `fromisoformat` rather than
        SQLAlchemy's regular expression: audits read millions of these."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: str | None) -> datetime | None:
            # the stored text is naive UTC; reading it with its offset appended is several
            # times faster than `.replace(tzinfo=UTC)` after the parse
            return None if value is None else datetime.fromisoformat(value + "+00:00")

        return process


class Base(DeclarativeBase):
    # The map on an explicit registry, not as `type_annotation_map`: the web app binds this
    # base through Flask-SQLAlchemy (`SQLAlchemy(model_class=Base)`), which refuses the latter.
    registry = registry(
        type_annotation_map={datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}
    )


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements on the hot path (typed as the Table it is)."""
    return cast(Table, model.__table__)


class Organisation(Base):
    """SPEC §1: the bureau, its offices, the center and the handling units."""

    __tablename__ = "organisation"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    part: Mapped[str] = mapped_column(String(200))


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    unit_code: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    # Kept in the session cookie at sign-in; raised on sign-out, a new password and disabling,
    # so every cookie issued before stops working, copies included.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)


class ApiToken(Base):
    """A bearer token for the REST API; only its SHA-256 is stored (shown once at creation)."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("user_account.username"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)  # to the minute
    expires_at: Mapped[datetime | None] = mapped_column(default=None)  # None: made before expiry
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class SignInFailures(Base):
    """Failed sign-ins of one user name from one client address, and the lock they led to.

    Counted per pair, not per account: someone hammering a name from one address locks
    only that address out, and the user still signs in from their own.
    """

    __tablename__ = "sign_in_failure"
    __table_args__ = (UniqueConstraint("username", "client_address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))  # as typed: unknown names count too
    client_address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


class AccessLog(Base):
    """Who opened, exported or was refused what, and when (S1): append-only."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_target", "target_kind", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))  # view, export, denied, login, login_failed…
    target_kind: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(80))
    allowed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(String(400))


class Definition(Base):
    """A deployed diagram version: the files as deployed and the parsed spec, once per content hash."""

    __tablename__ = "definition"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict[str, Any]] = mapped_column()
    spec: Mapped[bytes] = mapped_column(LargeBinary)
    deployed_at: Mapped[datetime] = mapped_column()
    deployed_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(400), default=None)  # why, by the deployer


class DiagramDraft(Base):
    """A process owner's unsaved-to-production edit of one process: its .bpmn and .dmn
    files as text. One per owner and process; it belongs to its author until deployed."""

    __tablename__ = "diagram_draft"
    __table_args__ = (UniqueConstraint("process_id", "author"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120))
    author: Mapped[str] = mapped_column(ForeignKey("user_account.username"))
    files: Mapped[dict[str, Any]] = mapped_column()  # file name → text
    based_on_version: Mapped[int | None] = mapped_column(Integer, default=None)
    saved_at: Mapped[datetime] = mapped_column()


class FormVersion(Base):
    """A form deployed from the browser (forms/ holds the bundled first versions): the
    newest version of a name is the one handlers fill in; older ones stay for the record."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    schema: Mapped[dict[str, Any]] = mapped_column()
    deployed_at: Mapped[datetime] = mapped_column()
    deployed_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(400), default=None)


class FormDraft(Base):
    """A process owner's draft of a form, one per owner and form, until deployed."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("name", "author"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    author: Mapped[str] = mapped_column(ForeignKey("user_account.username"))
    schema: Mapped[dict[str, Any]] = mapped_column()
    saved_at: Mapped[datetime] = mapped_column()


class TrialRun(Base):
    """A draft tried on the recorded inputs of closed cases (issue 14): progress while it
    runs, in the database so any web process can answer the page that polls it."""

    __tablename__ = "trial_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120))
    author: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    results: Mapped[list[Any]] = mapped_column(default=list)  # one entry per case tried
    error: Mapped[str | None] = mapped_column(String(1000), default=None)


class Instance(Base):
    """One case (事件) and its running workflow; `state` is the serialized workflow minus its spec."""

    __tablename__ = "instance"
    __table_args__ = (
        # the inbox's and the handler's lists' case filters and search (engine/inbox.py,
        # engine/handler_lists.py) read this index, never the row: on SQLite a column stored
        # after `state` is reached through the blob's overflow pages
        Index(
            "ix_instance_inbox",
            "id",
            "urgency",
            "channel",
            "case_no",
            "title",
            "location",
            "definition_id",
            "status",
            "created_at",
        ),
        # every case's chain head, for anchoring and verifying without the rows' state blobs
        Index("ix_instance_chain_head", "id", "history_seq", "history_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200), default=None)  # facts' location
    facts: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    history_seq: Mapped[int] = mapped_column(Integer, default=0)
    history_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)

    __mapper_args__ = {"version_id_col": version}


# what the assessment reads of a task (engine/assessment/): its indexes hold them all
ASSESSED_COLUMNS = (
    "created_at",
    "unit_code",
    "element_id",
    "state",
    "instance_id",
    "due_at",
    "warn_at",
    "light",
    "late_seconds",
    "completed_at",
)
# led by the flag: an equality SQLite's planner searches the partial index on
UNTALLIED_COLUMNS = ("tallied", *ASSESSED_COLUMNS)


class Task(Base):
    """A human task, open or done: what inboxes list and what assessment counts."""

    __tablename__ = "task"
    __table_args__ = (
        # open steps by when they opened (the dashboard's open cases by step); the inbox's
        # state, unit and role lead ix_task_inbox
        Index("ix_task_open", "state", "created_at", "element_id", "instance_id", "unit_code"),
        Index("ix_task_instance", "instance_id", "state"),
        # the inbox (engine/inbox.py): filter, count, sort by deadline and join the case on
        # the index alone
        Index(
            "ix_task_inbox",
            "state",
            "unit_code",
            "role",
            "assignee",
            "due_at",
            "light",
            "element_id",
            "instance_id",
        ),
        # the handler's "done by me" list (engine/handler_lists.py): one person's completed
        # tasks, newest first, filtered, counted and paged on the index alone
        Index(
            "ix_task_done_by",
            "completed_by",
            "completed_at",
            "unit_code",
            "role",
            "element_id",
            "instance_id",
        ),
        # the unit's cases (engine/handler_lists.py): the cases a unit (a center post, an
        # applicant) has or had a task in, from the index alone
        Index("ix_task_unit_cases", "unit_code", "role", "instance_id", "assignee"),
        # the assessment (engine/assessment/): a period's tasks counted on the index alone,
        # never reaching the rows with their form data
        Index("ix_task_assessment", *ASSESSED_COLUMNS),
        # the tasks not yet in the assessment's totals: the open ones, mostly, which the
        # figures count live (engine/assessment/tally.py)
        Index(
            "ix_task_untallied",
            *UNTALLIED_COLUMNS,
            sqlite_where=text("tallied = 0"),
            postgresql_where=text("tallied = false"),
        ),
        # one open reminder (催办, 督办) of a kind per chased step, whatever the workers do (E12)
        Index(
            "ux_task_open_reminder",
            "chased_task_id",
            "element_id",
            unique=True,
            sqlite_where=text("state = 'open' AND chased_task_id IS NOT NULL"),
            postgresql_where=text("state = 'open' AND chased_task_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40))
    form: Mapped[str] = mapped_column(String(120))
    # open, completed, cancelled; closed: a reminder ended by itself with its chased step (E12)
    state: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(80), default=None)
    created_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    warn_at: Mapped[datetime | None] = mapped_column(default=None)
    light: Mapped[str] = mapped_column(String(10), default="green")  # green, yellow, red (E12)
    late_seconds: Mapped[int | None] = mapped_column(default=None)  # finished after due_at
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_by: Mapped[str | None] = mapped_column(String(80), default=None)
    defaults: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # counted into the assessment's running totals (engine/assessment/tally.py); every write
    # of the row clears it, so what changed is counted again
    tallied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # a reminder's (催办, 督办) chased step: the row of the overdue task it names (E12)
    chased_task_id: Mapped[int | None] = mapped_column(default=None)


class Timer(Base):
    """A waiting timer event: the truth the scheduler wakes up for (DESIGN.md "Time")."""

    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(120))
    watches: Mapped[str | None] = mapped_column(String(120))
    due_at: Mapped[datetime] = mapped_column()
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20))  # waiting, fired, cancelled
    lease_owner: Mapped[str | None] = mapped_column(String(120), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    fired_at: Mapped[datetime | None] = mapped_column(default=None)


class CalendarYear(Base):
    """A year of holidays and 调休 working days loaded by an administrator (append-only:
    the newest row of a year wins, the older ones show what was in force before)."""

    __tablename__ = "calendar_year"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    holidays: Mapped[list[Any]] = mapped_column()
    workdays: Mapped[list[Any]] = mapped_column()
    source: Mapped[str] = mapped_column(String(400))
    loaded_at: Mapped[datetime] = mapped_column()
    loaded_by: Mapped[str] = mapped_column(String(80))


class HistoryEvent(Base):
    """Append-only, hash-chained per instance (S2): who did what, when, with which data."""

    __tablename__ = "history_event"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(120))
    data: Mapped[dict[str, Any]] = mapped_column()
    definition_id: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """A signed checkpoint of every case's chain head (S2), as appended to an anchor file.

    The file, outside the database and signed with a key the database never holds, is the
    proof; this row says when and where one was written, lets one process make the day's
    checkpoint (`day` is unique) and lets the dossier name the checkpoint covering a case."""

    __tablename__ = "audit_anchor"
    __table_args__ = (UniqueConstraint("chain", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(64))  # signature of the file's first checkpoint
    number: Mapped[int] = mapped_column(Integer)  # its line in that file: 1, 2, …
    at: Mapped[datetime] = mapped_column()
    day: Mapped[str | None] = mapped_column(String(10), unique=True, default=None)  # daily key
    cases: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(String(1000))
    made_by: Mapped[str] = mapped_column(String(200))


class AuditAnchorHead(Base):
    """A case's chain head as a checkpoint anchored it; a checkpoint lists only the heads
    that moved since the one before, so a case's newest row is its anchored head."""

    __tablename__ = "audit_anchor_head"
    instance_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    anchor_id: Mapped[int] = mapped_column(ForeignKey("audit_anchor.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Resource(Base):
    """An entry of the catalogue (《厦门市交通信息资源目录》, D1): the eleven fields, a D2
    category and exactly one providing unit. One data, one source: (category, name) is
    unique whoever provides it, so a second unit's copy of a resource is refused."""

    __tablename__ = "catalogue_resource"
    __table_args__ = (
        UniqueConstraint("category", "name"),
        Index("ix_resource_provider", "provider_unit", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(60))  # a D2 leaf, e.g. "公共交通实时/实时位置"
    name: Mapped[str] = mapped_column(String(200))  # 名称
    provider_unit: Mapped[str] = mapped_column(ForeignKey("organisation.code"))  # 提供部门
    data_format: Mapped[str] = mapped_column(String(80))  # 格式
    attribute: Mapped[str] = mapped_column(String(20))  # 属性: static, dynamic, media (O4)
    update_period: Mapped[str] = mapped_column(String(20))  # 更新时限: realtime, daily, …
    share_type: Mapped[str] = mapped_column(String(20))  # unconditional, conditional, none
    share_scope: Mapped[str] = mapped_column(String(200))  # 共享范围
    share_modes: Mapped[list[Any]] = mapped_column()  # 共享方式 (D6), one or more
    usage_requirements: Mapped[str] = mapped_column(String(400), default="")  # 使用要求
    source_system: Mapped[str] = mapped_column(String(200))  # 来源系统
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft, submitted, published
    data_updated_at: Mapped[datetime | None] = mapped_column(default=None)  # data last refreshed
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column()
    updated_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    published_by: Mapped[str | None] = mapped_column(String(80), default=None)


class ResourceChange(Base):
    """What changed in a catalogue entry, by whom and when (append-only): the catalogue's
    own history, since its entries are not cases."""

    __tablename__ = "catalogue_change"
    __table_args__ = (Index("ix_catalogue_change_resource", "resource_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("catalogue_resource.id"))
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))  # created, edited, submitted, published…
    data: Mapped[dict[str, Any]] = mapped_column()  # the fields changed: {field: [old, new]}


class DataAdministrator(Base):
    """O5: each unit's data administrator as registered with the center. A change of staff
    ends the current row and adds one, so the register keeps its history."""

    __tablename__ = "data_administrator"
    __table_args__ = (Index("ix_data_administrator_unit", "unit_code", "ended_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    username: Mapped[str] = mapped_column(ForeignKey("user_account.username"))
    phone: Mapped[str] = mapped_column(String(40), default="")
    registered_at: Mapped[datetime] = mapped_column()
    registered_by: Mapped[str] = mapped_column(String(80))
    ended_at: Mapped[datetime | None] = mapped_column(default=None)  # None: in office
    ended_by: Mapped[str | None] = mapped_column(String(80), default=None)
    end_reason: Mapped[str | None] = mapped_column(String(200), default=None)


class Grant(Base):
    """A resource granted to a unit or an external applicant (D3, D6, M3): bound to its
    purpose, scope and service mode. A change of either is a new request, never an edit;
    revoking keeps the row with who, when and why."""

    __tablename__ = "data_grant"
    __table_args__ = (Index("ix_grant_grantee", "resource_id", "grantee"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("catalogue_resource.id"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)  # the request
    grantee: Mapped[str] = mapped_column(String(80))  # a unit code, or an applicant's username
    purpose: Mapped[str] = mapped_column(String(400))
    scope: Mapped[str] = mapped_column(String(400))
    service_mode: Mapped[str] = mapped_column(String(20))  # api, download, browse, offline (D6)
    data_items: Mapped[list[Any]] = mapped_column()
    granted_at: Mapped[datetime] = mapped_column()
    granted_by: Mapped[str] = mapped_column(String(80))
    valid_until: Mapped[datetime | None] = mapped_column(default=None)  # M1's period of use
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(80), default=None)
    revoke_reason: Mapped[str | None] = mapped_column(String(400), default=None)


class Attachment(Base):
    """An uploaded file: its content stored once by SHA-256 outside the rows, its hash put
    in the case's history chain when the file is attached to a step (DESIGN.md "Storage")."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # as uploaded, for display only
    media_type: Mapped[str] = mapped_column(String(100))  # sniffed from the content
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. confidentiality, credit_code, photo
    retention: Mapped[str] = mapped_column(String(20))  # O4 class: static, dynamic, media
    uploaded_at: Mapped[datetime] = mapped_column()
    uploaded_by: Mapped[str] = mapped_column(String(80))
    # removed under retention (engine/record/retention.py): the row stays, the content goes
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_by: Mapped[str | None] = mapped_column(String(80), default=None)
    removal_reason: Mapped[str | None] = mapped_column(String(400), default=None)


class RetentionHold(Base):
    """An open audit (O4): nothing of the case is removed under retention until it is
    lifted; the row stays, with who lifted it and when."""

    __tablename__ = "retention_hold"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    reason: Mapped[str] = mapped_column(String(400))
    placed_by: Mapped[str] = mapped_column(String(80))
    placed_at: Mapped[datetime] = mapped_column()
    released_at: Mapped[datetime | None] = mapped_column(default=None)
    released_by: Mapped[str | None] = mapped_column(String(80), default=None)


class AssessmentWeight(Base):
    """A weight or target of the assessment's score as the bureau set it (A1, A5): append-only,
    the newest row of a name wins and the older ones show what was in force before."""

    __tablename__ = "assessment_weight"
    __table_args__ = (Index("ix_assessment_weight_name", "name", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    set_at: Mapped[datetime] = mapped_column()
    set_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(400), default=None)


class WorkingDay(Base):
    """The working-day calendar as a table for SQL (engine/assessment/working_days.py): a
    copy of engine.time.calendar's answers, refreshed from it whenever they differ. Within
    any stretch of rows, the difference of `worked_before` counts its working days."""

    __tablename__ = "working_day"
    day_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    working: Mapped[int] = mapped_column(Integer)  # 1 a working day, 0 not
    worked_before: Mapped[int] = mapped_column(Integer)  # working days before it in the table


class AssessmentTally(Base):
    """Done lifecycle tasks counted per Xiamen day of their opening, unit, step, timing and
    light (engine/assessment/tally.py): a year's step figures read these few rows."""

    __tablename__ = "assessment_tally"
    day_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    element_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    timing: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 pending, 1 on time, 2 late
    light: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 none, 1–3 green–red
    fired: Mapped[bool] = mapped_column(Boolean, primary_key=True)  # its deadline timer fired
    urgent: Mapped[bool] = mapped_column(Boolean, primary_key=True)  # in an urgent case (E7)
    tasks: Mapped[int] = mapped_column(Integer)


class AssessmentMark(Base):
    """A task's fact for the case figures, by task id (engine/assessment/tally.py): the case
    reached the unit (`received`), the unit replied (`handled`), the center closed the case
    (`closed`) or returned a reply (`returned`), at the task's opening."""

    __tablename__ = "assessment_mark"
    __table_args__ = (
        Index("ix_assessment_mark_period", "kind", "at", "unit_code", "instance_id"),
        Index("ix_assessment_mark_case", "kind", "instance_id", "unit_code", "at"),
    )
    task_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10))
    instance_id: Mapped[int] = mapped_column(Integer)
    unit_code: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column()


class AssessmentCase(Base):
    """A unit's case as the case figures read it, from its marks (engine/assessment/
    case_summary.py): when the case reached the unit (first and last time), whether the unit
    replied, and the case's returns and closing instant. Rebuilt for a case whenever a task of
    it is tallied, so a year's cases are read from these rows instead of regrouping marks."""

    __tablename__ = "assessment_case"
    __table_args__ = (
        Index(
            "ix_assessment_case_period",
            "last_received_at",
            "first_received_at",
            "unit_code",
        ),
    )
    instance_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    first_received_at: Mapped[datetime] = mapped_column()
    last_received_at: Mapped[datetime] = mapped_column()
    handled: Mapped[bool] = mapped_column(Boolean)  # the unit replied (not a fallback unit)
    returns: Mapped[int] = mapped_column(Integer)  # the case's returned replies (E10)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)  # first closing step


class Notification(Base):
    """One thing a person is told about (issue 16): a new task in their inbox, a return of
    their step, a light on it, an escalation of it. Written by the step that made it, in its
    transaction (engine/notify/writing.py), so a crash loses none and none is written twice."""

    __tablename__ = "notification"
    __table_args__ = (
        # the bell: a person's unread count, and what is newer than what their page has seen
        Index("ix_notification_unread", "username", "read_at", "id"),
        Index("ix_notification_user", "username", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))  # task, urgent, returned, yellow, red, escalated
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[int | None] = mapped_column(default=None)  # the step concerned, if open
    step_name: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(String(80), default=None)  # who caused it
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class NotificationSetting(Base):
    """A person's daily digest (issue 16): off (no row, or `digest_at` empty) or at a time of
    day in Xiamen, sent on a channel of engine/notify/delivery.py."""

    __tablename__ = "notification_setting"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    digest_at: Mapped[str | None] = mapped_column(String(5), default=None)  # "HH:MM", Xiamen
    channel: Mapped[str] = mapped_column(String(20), default="email")  # email, sms, 12328


class NotificationDigest(Base):
    """A digest made for one person on one Xiamen day: the unique pair is the claim, so of
    two workers one makes it; the outcome says honestly whether it was delivered."""

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("username", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in Xiamen
    at: Mapped[datetime] = mapped_column()
    channel: Mapped[str] = mapped_column(String(20))
    items: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(200))
    made_by: Mapped[str] = mapped_column(String(80))


class KnowledgeEntry(Base):
    """An entry of the knowledge base (O2, 12328 format): its current version's number; the
    text of every version is in `knowledge_version`, so an edit never overwrites one."""

    __tablename__ = "knowledge_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(80))


class KnowledgeVersion(Base):
    """One version of an entry, as written: by a person on the knowledge base's page or by
    the case (`instance_id`) that accepted a unit's submission."""

    __tablename__ = "knowledge_version"
    __table_args__ = (UniqueConstraint("entry_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entry.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(String(2000))
    answer: Mapped[str] = mapped_column(String(8000))
    basis: Mapped[str] = mapped_column(String(1000))
    keywords: Mapped[str] = mapped_column(String(200), default="")
    unit_code: Mapped[str] = mapped_column(String(40))  # the unit whose duty it describes
    note: Mapped[str] = mapped_column(String(400), default="")  # why this version
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), default=None)
    written_at: Mapped[datetime] = mapped_column()
    written_by: Mapped[str] = mapped_column(String(80))


class KnowledgeLink(Base):
    """An event case that used an entry (at the version then current): the case shows its
    entries, the entry its cases."""

    __tablename__ = "knowledge_link"
    __table_args__ = (UniqueConstraint("entry_id", "instance_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entry.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    linked_by: Mapped[str] = mapped_column(String(80))
    linked_at: Mapped[datetime] = mapped_column()


class StandingCase(Base):
    """A case of which at most one may run at a time (the knowledge base's quarterly
    schedule): its row comes with the case and goes when the case ends, so two starts
    racing meet at the key and the second is a Conflict."""

    __tablename__ = "standing_case"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
