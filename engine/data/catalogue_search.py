"""Browsing the catalogue: text search on name and source system, filters by category, unit,
share type and status, pages in category-then-name order — only what the user may read
(engine.data.catalogue.visible). One query for the page, one for the count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from ..errors import FieldError, InvalidInput
from ..models import Organisation, Resource, User
from .catalogue import STATUSES, visible
from .categories import CATEGORIES, TOPS
from .fields import SHARE_TYPES

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class CatalogueQuery:
    q: str | None = None  # in the name or the source system
    category: str | None = None  # a leaf code, or a top code for all its leaves
    unit: str | None = None  # the providing unit's code
    share_type: str | None = None
    status: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass(frozen=True)
class CataloguePage:
    rows: list[tuple[Resource, str]]  # each entry with its unit's name
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def check_query(query: CatalogueQuery) -> None:
    """Filters outside their lists are said, not silently ignored."""
    errors = []
    if query.category and query.category not in CATEGORIES and query.category not in TOPS:
        errors.append(FieldError("category", f"分类 {query.category} 不存在：请从分类列表中选择"))
    if query.share_type and query.share_type not in SHARE_TYPES:
        listed = "、".join(SHARE_TYPES)
        errors.append(
            FieldError("share_type", f"共享类型 {query.share_type} 不存在：可选 {listed}")
        )
    if query.status and query.status not in STATUSES:
        errors.append(
            FieldError("status", f"状态 {query.status} 不存在：可选 {'、'.join(STATUSES)}")
        )
    if not 1 <= query.per_page <= MAX_PER_PAGE or query.page < 1:
        errors.append(FieldError("page", f"页码从 1 起，每页 1 至 {MAX_PER_PAGE} 条"))
    if errors:
        raise InvalidInput("查询条件有误：" + "；".join(e.message for e in errors), errors)


def search(session: Session, user: User, query: CatalogueQuery) -> CataloguePage:
    check_query(query)
    where = _where(user, query)
    total = session.scalar(select(func.count(Resource.id)).where(*where)) or 0
    rows = session.execute(
        select(Resource, Organisation.name)
        .join(Organisation, Organisation.code == Resource.provider_unit)
        .where(*where)
        .order_by(Resource.category, Resource.name)
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    ).all()
    return CataloguePage([(r, n) for r, n in rows], total, query.page, query.per_page)


def _where(user: User, query: CatalogueQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    seen = visible(user)
    if seen is not None:
        where.append(seen)
    if query.q and query.q.strip():
        pattern = "%" + _escaped(query.q.strip()) + "%"
        where.append(
            or_(
                Resource.name.like(pattern, escape="\\"),
                Resource.source_system.like(pattern, escape="\\"),
            )
        )
    if query.category in CATEGORIES:
        where.append(Resource.category == query.category)
    elif query.category:
        where.append(Resource.category.like(query.category + ".%"))
    if query.unit:
        where.append(Resource.provider_unit == query.unit)
    if query.share_type:
        where.append(Resource.share_type == query.share_type)
    if query.status:
        where.append(Resource.status == query.status)
    return where


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
