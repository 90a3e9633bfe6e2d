"""The REST API under /api/ (DESIGN.md "Web"): bearer-token auth, JSON in and out, every
error `{error, detail}` with a 4xx, described by the OpenAPI document at /api/openapi.json."""

from . import (
    assessment,
    assessment_charts,
    attachments,
    cases,
    catalogue,
    events,
    handler_lists,
    knowledge,
    market,
    notices,
    notifications,
    openapi,
    retention,
    sharing,
    task_list,
    tasks,
)
from .blueprint import api

__all__ = [
    "api",
    "assessment",
    "assessment_charts",
    "attachments",
    "cases",
    "catalogue",
    "events",
    "handler_lists",
    "knowledge",
    "market",
    "notices",
    "notifications",
    "openapi",
    "retention",
    "sharing",
    "task_list",
    "tasks",
]
