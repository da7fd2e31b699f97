"""The front end's contract as checks: its OpenAPI component schemas (frontend-openapi.yaml, a
copy of ../shared/contracts/frontend-openapi.yaml) with every listed property required, and the
error envelope of API-CONTRACT.md."""

from __future__ import annotations

import copy
import functools
import uuid
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import yaml

CONTRACT = Path(__file__).with_name("frontend-openapi.yaml")
ERROR_CODES = {
    422: "validation_error", 409: "conflict", 401: "authentication_error", 404: "not_found",
    429: "rate_limit_error", 500: "server_error",
}  # fmt: skip


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type; every property is required
    (the contract lists the fields an answer carries, the front end reads all of them)."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items() if k not in ("nullable", "example")}
    if node.get("nullable") and "type" in node:
        out["type"] = [node["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if node.get("type") == "object" and "properties" in node:
        out["required"] = sorted(node["properties"])
    return out


@functools.cache
def _components() -> dict[str, Any]:
    document = yaml.safe_load(CONTRACT.read_text("utf-8"))
    return {"schemas": _strict(copy.deepcopy(document["components"]["schemas"]))}


@functools.cache
def _validator(name: str) -> Any:
    schema = {"$ref": f"#/components/schemas/{name}", "components": _components()}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def assert_shape(body: Any, schema: str) -> None:
    """`body` is valid against the front end's component schema `schema`."""
    errors = [f"{e.instance_path}: {e.message}" for e in _validator(schema).iter_errors(body)]
    assert not errors, f"{schema}: {errors}"


def assert_ok(answer: httpx.Response, status: int, schema: str | None = None) -> Any:
    """A success envelope with this status; returns `data`."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["success"] is True and "data" in body, body
    data = body["data"]
    if isinstance(data, dict):
        for key in ("message", "drafts_generated"):
            if key in data:
                assert body[key] == data[key], f"{key} is not repeated at the top level: {body}"
    if schema:
        assert_shape(body, schema)
    return data


def assert_error(answer: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The contract's error envelope with this status and code; returns `error`."""
    assert answer.status_code == status, f"{answer.status_code} != {status}: {answer.text}"
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    body = answer.json()
    assert set(body) == {"success", "error", "detail"}, body
    assert body["success"] is False
    error = body["error"]
    assert set(error) == {"error", "message", "details"}, error
    assert error["error"] == (code or ERROR_CODES[status]), body
    assert isinstance(error["message"], str) and error["message"], body
    assert error["details"] is None or isinstance(error["details"], dict), body
    assert body["detail"] == error["message"]
    assert_shape(body, "ErrorResponse")
    return dict(error)


# Every route that needs a signed-in creator, with a body it would accept.
POST_TEXT = "A post long enough to be a style example: shipping small changes every day wins."
RANDOM = str(uuid.UUID(int=1))
AUTH_FAILURES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/v1/auth/logout", None),
    ("GET", "/v1/me", None),
    ("DELETE", "/v1/me", None),
    ("GET", "/v1/sources", None),
    ("POST", "/v1/sources", {"type": "rss", "url": "https://example.com/f", "name": "x"}),
    ("PUT", f"/v1/sources/{RANDOM}", {"name": "x"}),
    ("DELETE", f"/v1/sources/{RANDOM}", None),
    ("GET", f"/v1/sources/{RANDOM}/status", None),
    ("GET", "/v1/style/posts", None),
    ("POST", "/v1/style/posts/add", {"content": POST_TEXT}),
    ("DELETE", f"/v1/style/posts/{RANDOM}", None),
    ("POST", "/v1/style/upload", {"posts": [POST_TEXT]}),
    ("GET", "/v1/style/status", None),
    ("POST", "/v1/style/retrain", None),
    ("GET", "/v1/drafts", None),
    ("POST", "/v1/drafts/generate", None),
    ("GET", f"/v1/drafts/{RANDOM}", None),
    ("PUT", f"/v1/drafts/{RANDOM}/feedback", {"feedback_type": "positive"}),
    ("GET", "/v1/user/settings", None),
    ("PUT", "/v1/user/settings", {"timezone": "UTC"}),
    ("GET", "/v1/dashboard/stats", None),
    ("GET", f"/v1/drafts/{RANDOM}/explanation", None),
    ("GET", "/v1/style/profile", None),
    ("POST", "/v1/style/import", None),
]
