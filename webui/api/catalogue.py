"""The catalogue over the API (D1, D2): search and read for every token holder, as on the
pages; create and change by the unit's registered data administrator (O5). Bodies use the
codes the OpenAPI document lists (openapi_catalogue.py) and are checked against it first."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from jsonschema import Draft202012Validator

from engine.data import catalogue as service
from engine.data.administrators import PROVIDING_UNITS
from engine.data.catalogue import STATUSES
from engine.data.catalogue_search import MAX_PER_PAGE, CatalogueQuery, search
from engine.data.categories import CATEGORIES, TOPS, category_name
from engine.data.fields import SHARE_TYPES
from engine.data.overdue import freshness
from engine.errors import FieldError, InvalidInput
from engine.models import Organisation, Resource
from engine.notices import interrupted

from ..extensions import current_jtflow, request_session
from .blueprint import api
from .bodies import Query, json_object
from .openapi_catalogue import MAX_PAGE, RESOURCE_BODY, RESOURCE_PATCH
from .shapes import instant

DEFAULT_PER_PAGE = 20
CREATE = Draft202012Validator(RESOURCE_BODY)
PATCH = Draft202012Validator(RESOURCE_PATCH)


@api.get("/catalogue")
def catalogue_search() -> Any:
    query = Query()
    found = CatalogueQuery(
        q=query.text("q"),
        category=query.choice("category", [*TOPS, *CATEGORIES]),
        unit=query.choice("unit", PROVIDING_UNITS),
        share_type=query.choice("share_type", list(SHARE_TYPES)),
        status=query.choice("status", list(STATUSES)),
        page=query.integer("page", 1, 1, MAX_PAGE),
        per_page=query.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )
    query.check()
    with request_session() as db:
        page = search(db, g.user, found)
        stopped = interrupted(db)
        items = [resource_json(r, name, stopped) for r, name in page.rows]
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "items": items,
    }


@api.get("/catalogue/<int:resource_id>")
def catalogue_entry(resource_id: int) -> Any:
    with request_session() as db:
        resource = service.read_resource(db, g.user, resource_id)
        return resource_json(resource, _unit_name(db, resource))


@api.post("/catalogue")
def catalogue_create() -> Any:
    body = _checked(CREATE)
    engine = current_jtflow()
    with request_session() as db:
        resource = service.create(db, g.user, engine.clock.now(), body)
        db.commit()
        answer = resource_json(resource, _unit_name(db, resource))
    return answer, 201, {"Location": url_for("api.catalogue_entry", resource_id=answer["id"])}


@api.patch("/catalogue/<int:resource_id>")
def catalogue_update(resource_id: int) -> Any:
    body = _checked(PATCH)
    engine = current_jtflow()
    with request_session() as db:
        service.edit(db, g.user, engine.clock.now(), resource_id, body)
        db.commit()
        resource = service.read_resource(db, g.user, resource_id)
        return resource_json(resource, _unit_name(db, resource))


def resource_json(
    resource: Resource, unit_name: str, stopped: dict[int, list[str]] | None = None
) -> dict[str, Any]:
    """An entry with its codes and, beside the category and unit, their names; its
    更新时限 state for its own unit, the center's post and auditors (null for others);
    whether an open interface notice interrupts it (`stopped`: read once per request)."""
    engine = current_jtflow()
    if stopped is None:
        with request_session() as db:
            stopped = interrupted(db)
    seen = resource.provider_unit == g.user.unit_code or service.sees_all(g.user)
    state = freshness(engine.calendar, resource, engine.clock.now()) if seen else None
    return {
        "id": resource.id,
        "category": resource.category,
        "category_name": category_name(resource.category),
        "name": resource.name,
        "provider_unit": resource.provider_unit,
        "provider_name": unit_name,
        "data_format": resource.data_format,
        "attribute": resource.attribute,
        "update_period": resource.update_period,
        "share_type": resource.share_type,
        "share_scope": resource.share_scope,
        "share_modes": list(resource.share_modes),
        "usage_requirements": resource.usage_requirements,
        "source_system": resource.source_system,
        "status": resource.status,
        "data_updated_at": instant(resource.data_updated_at),
        "published_at": instant(resource.published_at),
        "created_at": instant(resource.created_at),
        "updated_at": instant(resource.updated_at),
        "overdue": state.overdue if state else None,
        "next_update_due": instant(state.due_at) if state else None,
        "interrupted": resource.id in stopped,
    }


def _checked(validator: Draft202012Validator) -> dict[str, Any]:
    body = json_object()
    errors = [
        FieldError(".".join(str(p) for p in e.absolute_path) or "body", e.message)
        for e in validator.iter_errors(body)
    ]
    if errors:
        said = "；".join(f"{e.field}：{e.message}" for e in errors)
        raise InvalidInput(f"请求体不符合资源目录条目的格式：{said}", errors)
    return body


def _unit_name(db: Any, resource: Resource) -> str:
    unit = db.get(Organisation, resource.provider_unit)
    return unit.name if unit else resource.provider_unit
