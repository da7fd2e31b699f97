"""Schemathesis over two OpenAPI documents, sent through the in-process app and judged against
the document that produced the case.

- `own`: the app's document, as served at /schema/openapi.json.
- `frontend`: ../shared/contracts/frontend-openapi.yaml read as API-CONTRACT.md says: its paths
  live under its server's `/v1`; its `400` answers are our `422` (a client mistake is never a
  400); every other error carries its ErrorResponse envelope; an answer carries every field its
  schema lists (the front end reads all of them); and an optional request field may be null,
  which means "not given" (what a JavaScript client sends for an unset value)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import schemathesis
import yaml
from http_contract import CONTRACT, assert_shape
from http_support import JWT_SECRET
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.generation.case import Case

from creatorpulse.entrypoints.http.app import create_app
from creatorpulse.entrypoints.settings import Settings

HOST = "http://testserver.local"
PREFIX = {"own": "", "frontend": "/v1"}
CHECKS = [
    checks.not_a_server_error, checks.response_schema_conformance,
    checks.content_type_conformance, checks.negative_data_rejection,
]  # fmt: skip


def own_document() -> dict[str, Any]:
    env = {"CREATORPULSE_STORAGE": "memory", "JWT_SECRET": JWT_SECRET,
           "CREATORPULSE_DATA_DIR": str(Path("/nonexistent-never-written"))}  # fmt: skip
    document: dict[str, Any] = create_app(Settings.from_env(env)).openapi_schema.to_schema()
    return document


def _answer_fields_required(node: Any) -> Any:
    if isinstance(node, list):
        return [_answer_fields_required(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _answer_fields_required(v) for k, v in node.items()}
    if node.get("type") == "object" and "properties" in node:
        out["required"] = sorted(node["properties"])
    return out


def frontend_document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(CONTRACT.read_text("utf-8"))
    schemas = document["components"]["schemas"]
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            schemas[name] = _answer_fields_required(schema)
            continue
        for field, property_ in schema.get("properties", {}).items():
            if field not in schema.get("required", []):
                property_["nullable"] = True  # null for an optional field means "not given"
    error = {"description": "an error", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}  # fmt: skip
    for operations in document["paths"].values():
        for operation in operations.values():
            answers = operation["responses"]
            if "400" in answers:
                answers["422"] = answers.pop("400")
            answers["default"] = copy.deepcopy(error)
    return document


def operations(document: dict[str, Any]) -> dict[str, Any]:
    """Each operation's label → a strategy of cases, valid and invalid alike."""
    schema = schemathesis.openapi.from_dict(document)
    # Unknown fields are ignored by contract; the bearer token is ours to add, not to mutate.
    schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.label] = st.one_of(
            operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )
    return found


async def send(
    client: httpx.AsyncClient, case: Case[Any], prefix: str, headers: dict[str, str]
) -> None:
    """One case through the app; fails on a 5xx, a 400/403, a broken envelope, or an answer
    its document does not allow."""
    kwargs = case.as_transport_kwargs(base_url=HOST + prefix, headers=headers)
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif "data" in kwargs:
        data = kwargs["data"]
        body["content"] = data if isinstance(data, bytes | str) else str(data)
    answer = await client.request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"),
        headers=kwargs.get("headers"), **body,
    )  # fmt: skip
    where = f"{case.operation.label} {case.path_parameters} {case.query} {case.body!r:.200}"
    assert answer.status_code not in (400, 403), f"{where} -> {answer.status_code} {answer.text}"
    case.validate_response(answer, checks=CHECKS, headers=kwargs.get("headers"))
    if answer.headers.get("content-type", "").startswith("application/json"):
        envelope = answer.json()
        if (prefix + case.operation.path).startswith("/v1/"):
            assert envelope["success"] is (answer.status_code < 400), where
            if answer.status_code >= 400:
                assert set(envelope) == {"success", "error", "detail"}, where
                assert_shape(envelope, "ErrorResponse")
