"""The catalogue (《厦门市交通信息资源目录》, D1): entries made and kept by their unit's data
administrator, reviewed and published by the center, every change in the change log.

- Who maintains an entry: the providing unit's data administrator in office (O5's register,
  engine.data.administrators). Holding the role 数据资源管理员 is not enough: the register
  is what the center keeps, so it is the one rule.
- Life of an entry: 草稿 → 提交审核 → 已发布 by the center's 数据资源管理岗, who may also
  send it back (退回) with a reason. An edit to a published entry returns it to 草稿: a
  change is reviewed before others see it.
- One data, one source (第三节 2 “一数一源”): a second entry with the same category and
  name is refused, naming the first and its unit, whichever unit tries.
- Who reads an entry: everyone signed in reads published entries; the providing unit reads
  its own at every stage; the center's post and auditors read all. External applicants
  (universities, companies) read only published entries that are shared at all: 不予共享
  ones are not offered outside the government (第三节 5).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from ..models import Organisation, Resource, ResourceChange, User
from ..people.access_rule import reads_everything
from .administrators import administers, check_catalogue_post, is_catalogue_post
from .categories import category_name
from .fields import EDITABLE, Entry, check_entry

STATUSES = {"draft": "草稿", "submitted": "待审核", "published": "已发布"}
EXTERNAL = "EXTERNAL"  # non-government applicants (SPEC §1)
MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; a larger one is not found, not an overflow


def sees_all(user: User) -> bool:
    return reads_everything(user) or is_catalogue_post(user)


def may_read(user: User, resource: Resource) -> bool:
    if user.unit_code == EXTERNAL:  # 第三节 5: what is not shared is not offered outside
        return resource.status == "published" and resource.share_type != "none"
    return (
        resource.status == "published" or resource.provider_unit == user.unit_code or sees_all(user)
    )


def read_resource(session: Session, user: User, resource_id: int) -> Resource:
    """The entry, if the user may read it; another unit's draft is "not found" to them, so
    its existence does not leak."""
    resource = _get(session, resource_id)
    if resource is None or not may_read(user, resource):
        raise NotFound(f"资源目录中没有编号为 {resource_id} 的条目（或它尚未发布）")
    return resource


def may_maintain(session: Session, user: User, resource: Resource) -> bool:
    return not reads_everything(user) and administers(session, user, resource.provider_unit)


def check_maintainer(session: Session, user: User, unit_code: str, doing: str) -> None:
    """O5: only the unit's registered data administrator changes its entries."""
    if reads_everything(user) or not administers(session, user, unit_code):
        unit = session.get(Organisation, unit_code)
        name = unit.name if unit else unit_code
        raise PermissionDenied(
            f"{doing}：{name}的资源目录由该单位登记在册的数据资源管理员维护（O5），"
            f"{user.username} 不是；如需变更管理员，请联系监测中心数据资源管理岗"
        )


def one_source_conflict(
    session: Session, category: str, name: str, except_id: int | None = None
) -> str | None:
    """Why (category, name) is taken, naming the entry and its unit; None when free."""
    query = select(Resource, Organisation.name).join(
        Organisation, Organisation.code == Resource.provider_unit
    )
    query = query.where(Resource.category == category, Resource.name == name)
    if except_id is not None:
        query = query.where(Resource.id != except_id)
    found = session.execute(query).first()
    if found is None:
        return None
    first, unit_name = found
    return (
        f"“{category_name(category)} / {name}”已由{unit_name}登记（资源编号 {first.id}）："
        "一数一源，同一资源只能有一个提供部门；如需使用请申请共享，"
        "如两者确为不同数据，请改用能区分它们的名称"
    )


def check_one_source(session: Session, entry: Entry, except_id: int | None = None) -> None:
    conflict = one_source_conflict(session, entry.category, entry.name, except_id)
    if conflict is not None:
        raise InvalidInput(conflict, [FieldError("name", f"名称：{conflict}")])


def create(session: Session, actor: User, now: datetime, given: dict[str, Any]) -> Resource:
    """A new draft entry of the actor's unit."""
    check_maintainer(session, actor, actor.unit_code, "新增资源")
    entry = check_entry(given)
    check_one_source(session, entry)
    resource = Resource(
        **entry.values(),
        provider_unit=actor.unit_code,
        status="draft",
        created_at=now,
        created_by=actor.username,
        updated_at=now,
        updated_by=actor.username,
    )
    _saved(session, entry, lambda: session.add(resource))
    _log(
        session, resource, now, actor, "created", {f: [None, v] for f, v in entry.values().items()}
    )
    return resource


def edit(
    session: Session, actor: User, now: datetime, resource_id: int, given: dict[str, Any]
) -> dict[str, list[Any]]:
    """Change the entry's fields; returns what changed ({field: [old, new]}), nothing when
    nothing did. A changed published entry goes back to draft for review."""
    resource = _for_change(session, actor, resource_id, "修改资源")
    entry = check_entry({f: given.get(f, _value(resource, f)) for f in EDITABLE})
    check_one_source(session, entry, except_id=resource.id)
    changed = {
        f: [_value(resource, f), v] for f, v in entry.values().items() if _value(resource, f) != v
    }
    if not changed:
        return {}
    if resource.status != "draft":
        changed["status"] = [resource.status, "draft"]

    def apply() -> None:
        for field, (_, new) in changed.items():
            setattr(resource, field, new)
        resource.updated_at, resource.updated_by = now, actor.username

    _saved(session, entry, apply)
    _log(session, resource, now, actor, "edited", changed)
    return changed


def submit(session: Session, actor: User, now: datetime, resource_id: int) -> Resource:
    resource = _for_change(session, actor, resource_id, "提交审核")
    _check_status(resource, "draft", "提交审核")
    return _move(session, resource, now, actor, "submitted", "submitted")


def publish(session: Session, actor: User, now: datetime, resource_id: int) -> Resource:
    """The center's 数据资源管理岗 publishes a submitted entry into the catalogue."""
    check_catalogue_post(actor, "发布资源")
    resource = _existing(session, resource_id)
    _check_status(resource, "submitted", "发布")
    resource.published_at, resource.published_by = now, actor.username
    return _move(session, resource, now, actor, "published", "published")


def send_back(
    session: Session, actor: User, now: datetime, resource_id: int, reason: str
) -> Resource:
    """The center returns a submitted entry to its unit, saying what to correct."""
    check_catalogue_post(actor, "退回资源")
    resource = _existing(session, resource_id)
    _check_status(resource, "submitted", "退回")
    reason = reason.strip()
    if not reason or len(reason) > 400:
        raise InvalidInput(
            "退回须写明原因（最多 400 字），告诉提供单位要改什么",
            [FieldError("reason", "退回原因：必填，最多 400 字")],
        )
    return _move(session, resource, now, actor, "draft", "returned", {"reason": reason})


def record_data_update(session: Session, actor: User, now: datetime, resource_id: int) -> Resource:
    """The provider records that the data itself was refreshed (谁采集谁更新): the 更新时限
    counts again from now (engine.data.overdue)."""
    resource = _for_change(session, actor, resource_id, "登记数据更新")
    before = resource.data_updated_at
    resource.data_updated_at = now
    session.flush()
    _log(
        session,
        resource,
        now,
        actor,
        "data_updated",
        {"data_updated_at": [before.isoformat() if before else None, now.isoformat()]},
    )
    return resource


def changes_of(session: Session, resource_id: int) -> list[ResourceChange]:
    """The entry's change log, oldest first."""
    return list(
        session.scalars(
            select(ResourceChange)
            .where(ResourceChange.resource_id == resource_id)
            .order_by(ResourceChange.id)
        )
    )


def review_queue(session: Session, user: User) -> list[Resource]:
    """The submitted entries waiting for the center, oldest first."""
    check_catalogue_post(user, "审核资源目录")
    return list(
        session.scalars(
            select(Resource).where(Resource.status == "submitted").order_by(Resource.updated_at)
        )
    )


def visible(user: User) -> Any:
    """`may_read` as a WHERE clause on Resource."""
    if sees_all(user):
        return None
    if user.unit_code == EXTERNAL:
        return and_(Resource.status == "published", Resource.share_type != "none")
    return or_(Resource.status == "published", Resource.provider_unit == user.unit_code)


def _value(resource: Resource, field: str) -> Any:
    value = getattr(resource, field)
    return list(value) if field == "share_modes" else value


def _get(session: Session, resource_id: int) -> Resource | None:
    return session.get(Resource, resource_id) if 1 <= resource_id <= MAX_ID else None


def _existing(session: Session, resource_id: int) -> Resource:
    resource = _get(session, resource_id)
    if resource is None:
        raise NotFound(f"资源目录中没有编号为 {resource_id} 的条目")
    return resource


def _for_change(session: Session, actor: User, resource_id: int, doing: str) -> Resource:
    resource = _get(session, resource_id)
    if resource is None or not may_read(actor, resource):
        raise NotFound(f"资源目录中没有编号为 {resource_id} 的条目")
    check_maintainer(session, actor, resource.provider_unit, doing)
    return resource


def _check_status(resource: Resource, wanted: str, doing: str) -> None:
    if resource.status != wanted:
        raise Conflict(
            f"资源 {resource.id} 现为“{STATUSES.get(resource.status, resource.status)}”，"
            f"只有“{STATUSES[wanted]}”的条目可以{doing}：请刷新页面查看其当前状态"
        )


def _move(
    session: Session,
    resource: Resource,
    now: datetime,
    actor: User,
    status: str,
    action: str,
    extra: dict[str, Any] | None = None,
) -> Resource:
    before = resource.status
    resource.status, resource.updated_at, resource.updated_by = status, now, actor.username
    session.flush()
    _log(session, resource, now, actor, action, {"status": [before, status], **(extra or {})})
    return resource


def _saved(session: Session, entry: Entry, apply: Callable[[], None]) -> None:
    """Apply and flush inside a savepoint; a unit that registered the same resource a moment
    ago (the UNIQUE constraint) gets the same refusal as one found by the check."""
    try:
        with session.begin_nested():
            apply()
            session.flush()
    except IntegrityError:
        conflict = one_source_conflict(session, entry.category, entry.name)
        message = conflict or "该分类下已有同名资源：一数一源，请改名或申请共享"
        raise InvalidInput(message, [FieldError("name", f"名称：{message}")]) from None


def _log(
    session: Session,
    resource: Resource,
    now: datetime,
    actor: User,
    action: str,
    data: dict[str, Any],
) -> None:
    session.add(
        ResourceChange(
            resource_id=resource.id, at=now, actor=actor.username, action=action, data=data
        )
    )
    session.flush()
