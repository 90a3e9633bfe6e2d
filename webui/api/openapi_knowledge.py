"""The knowledge base's part of the OpenAPI document (webui/api/knowledge.py, O2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.definitions.forms import FormRegistry

from .openapi_schemas import ID, INSTANT, json_body, object_schema, query_parameter, ref

ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": ID}
CASE_REF = {
    "name": "ref",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "案件编号或 id",
}


def knowledge_paths(errors: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`errors(*statuses)` is the document's references to its shared error answers."""
    entries = object_schema(
        {"entries": {"type": "array", "items": ref("KnowledgeEntry")}}, ["entries"]
    )
    written = {
        "201": json_body(ref("KnowledgeVersionOfEntry"), "已保存为新版本"),
        **errors(400, 401, 403, 404, 413, 415, 422),
    }
    return {
        "/api/knowledge": {
            "get": {
                "operationId": "searchKnowledge",
                "summary": "检索知识库（O2）：现行版本包含每个关键词的条目，最近修订的在前",
                "parameters": [
                    query_parameter("q", {"type": "string"}, "关键词，以空格分隔"),
                    query_parameter("category", {"type": "string"}, "分类"),
                ],
                "responses": {
                    "200": json_body(entries, "条目及其现行版本"),
                    **errors(400, 401, 403),
                },
            },
            "post": {
                "operationId": "addKnowledgeEntry",
                "summary": "新增条目（监测中心投诉受理岗）：第 1 版",
                "requestBody": {"required": True, **json_body(ref("KnowledgeEdit"), "条目")},
                "responses": written,
            },
        },
        "/api/knowledge/{entry_id}": {
            "get": {
                "operationId": "getKnowledgeEntry",
                "summary": "条目：现行版本、全部版本（新的在前）和使用过它的案件",
                "parameters": [ENTRY_ID],
                "responses": {
                    "200": json_body(ref("KnowledgeEntryDetail"), "条目"),
                    **errors(401, 403, 404),
                },
            }
        },
        "/api/knowledge/{entry_id}/versions": {
            "post": {
                "operationId": "reviseKnowledgeEntry",
                "summary": "修订条目（监测中心投诉受理岗）：保存为新版本，旧版本不变",
                "parameters": [ENTRY_ID],
                "requestBody": {"required": True, **json_body(ref("KnowledgeEdit"), "条目")},
                "responses": written,
            }
        },
        "/api/knowledge/{entry_id}/versions/{version}": {
            "get": {
                "operationId": "getKnowledgeVersion",
                "summary": "条目的某一版本，按当时所写",
                "parameters": [
                    ENTRY_ID,
                    {"name": "version", "in": "path", "required": True, "schema": ID},
                ],
                "responses": {
                    "200": json_body(ref("KnowledgeVersionOfEntry"), "该版本"),
                    **errors(401, 403, 404),
                },
            }
        },
        "/api/knowledge/changes": {
            "post": {
                "operationId": "reportPolicyChange",
                "summary": "登记职能或政策调整（O2）：报送单位的新知识应在调整后 5 个工作日内报送；"
                "单位登记本单位的，监测中心投诉受理岗写明单位",
                "requestBody": {
                    "required": True,
                    **json_body(ref("PolicyChange"), "职能或政策调整"),
                },
                "responses": {
                    "201": {
                        **json_body(ref("Reported"), "已登记：案件编号及其开启的任务"),
                        "headers": {
                            "Location": {"schema": {"type": "string"}, "description": "案件地址"}
                        },
                    },
                    **errors(400, 401, 403, 413, 415, 422),
                },
            },
            "get": {
                "operationId": "listPolicyChanges",
                "summary": "本单位的职能或政策调整（监测中心、审计员：全部），新的在前；"
                "late=true 只列报送逾期或已过时限仍未报送的（A2）",
                "parameters": [
                    {
                        "name": "late",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["true", "false"]},
                        "description": "true：只列逾期的；false：只列按时的",
                    }
                ],
                "responses": {
                    "200": json_body(
                        object_schema(
                            {"changes": {"type": "array", "items": ref("PolicyChangeCase")}},
                            ["changes"],
                        ),
                        "职能或政策调整，新的在前",
                    ),
                    **errors(400, 401, 403),
                },
            },
        },
        "/api/cases/{ref}/knowledge": {
            "get": {
                "operationId": "listCaseKnowledge",
                "summary": "事件案件关联的知识库条目",
                "parameters": [CASE_REF],
                "responses": {
                    "200": json_body(
                        object_schema(
                            {"links": {"type": "array", "items": ref("KnowledgeLink")}},
                            ["links"],
                        ),
                        "关联的条目",
                    ),
                    **errors(401, 403, 404),
                },
            },
            "post": {
                "operationId": "linkCaseKnowledge",
                "summary": "在事件案件上关联使用过的知识库条目（当时的现行版本）；重复关联保留第一次",
                "parameters": [CASE_REF],
                "requestBody": {
                    "required": True,
                    **json_body(object_schema({"entry_id": ID}, ["entry_id"]), "条目编号"),
                },
                "responses": {
                    "201": json_body(ref("KnowledgeLink"), "已关联"),
                    **errors(400, 401, 403, 404, 413, 415, 422),
                },
            },
        },
    }


def knowledge_schemas(forms: FormRegistry) -> dict[str, Any]:
    text = {"type": "string"}
    version = {
        "version": ID,
        "title": text,
        "category": text,
        "question": text,
        "answer": text,
        "basis": text,
        "keywords": text,
        "unit_code": {"type": "string", "description": "条目所述职责的单位代码"},
        "note": {"type": "string", "description": "修订说明"},
        "from_case": {"type": "boolean", "description": "由报送案件审核入库的版本"},
        "written_at": INSTANT,
        "written_by": text,
    }
    link = {
        "entry_id": ID,
        "version": ID,
        "linked_by": text,
        "linked_at": INSTANT,
    }

    def written(most: int) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": most, "pattern": "\\S"}

    edit = {
        "title": written(200),
        "category": written(100),
        "question": written(2000),
        "answer": written(8000),
        "basis": written(1000),
        "keywords": {"type": "string", "maxLength": 200},
        "unit_code": {"type": "string", "maxLength": 40, "description": "单位代码（SPEC §1）"},
        "note": {"type": "string", "maxLength": 400},
    }
    form = {
        k: v
        for k, v in forms.schema("knowledge_policy_change").items()
        if k not in ("$schema", "$id")
    }
    change = {
        "case_no": {"type": "string", "examples": ["ZS20261124-000042"]},
        "case_id": ID,
        "status": {"type": "string", "description": "running、published（已入库）"},
        "policy_title": text,
        "unit": {"type": "string", "description": "报送单位代码"},
        "changed_at": INSTANT,
        "late": {
            "type": "boolean",
            "description": "新知识报送逾期（调整后超过 5 个工作日），或已过时限仍未报送",
        },
        "created_at": INSTANT,
    }
    return {
        "KnowledgeVersion": object_schema(version, list(version)),
        "KnowledgeVersionOfEntry": object_schema(
            {**version, "entry_id": ID}, [*version, "entry_id"]
        ),
        "KnowledgeEntry": object_schema(
            {"entry_id": ID, "current": ref("KnowledgeVersion")}, ["entry_id", "current"]
        ),
        "KnowledgeEntryDetail": object_schema(
            {
                "entry_id": ID,
                "current": ref("KnowledgeVersion"),
                "versions": {"type": "array", "items": ref("KnowledgeVersion")},
                "cases": {
                    "type": "array",
                    "items": object_schema(
                        {**link, "case_no": {"type": "string"}}, [*link, "case_no"]
                    ),
                },
            },
            ["entry_id", "current", "versions", "cases"],
        ),
        "KnowledgeEdit": {
            **object_schema(edit, ["title", "category", "question", "answer", "basis"]),
            "additionalProperties": False,
        },
        "KnowledgeLink": object_schema(
            {**link, "title": text, "case_no": {"type": "string"}}, list(link)
        ),
        "PolicyChange": form,
        "PolicyChangeCase": object_schema(change, list(change)),
    }
