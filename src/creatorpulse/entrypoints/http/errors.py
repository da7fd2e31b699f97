"""One translator from every error to the contract's envelope and status table.

The front end reads any 400, 403 or 5xx as "backend down" and fakes success, so a client's
mistake is never a 400 or 403 here: bad input is 422, a missing or foreign resource is 404."""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from creatorpulse.domain.model.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidInput,
    InvalidState,
    LimitReached,
    NotFound,
    UpstreamError,
)
from creatorpulse.entrypoints.http.schemas import ErrorBody, ErrorOut

log = structlog.get_logger("creatorpulse.http")

_DOMAIN: list[tuple[type[DomainError], int, str]] = [
    (InvalidInput, 422, "validation_error"),
    (LimitReached, 422, "validation_error"),
    (InvalidState, 422, "validation_error"),
    (Conflict, 409, "conflict"),
    (AuthenticationFailed, 401, "authentication_error"),
    (NotFound, 404, "not_found"),
    (UpstreamError, 503, "server_error"),
]
_HTTP = {401: "authentication_error", 404: "not_found", 405: "validation_error",
         409: "conflict", 413: "validation_error", 415: "validation_error",
         422: "validation_error", 429: "rate_limit_error"}  # fmt: skip


class RateLimited(HTTPException):
    status_code = 429

    def __init__(
        self, limit: int, reset: int, headers: dict[str, str],
        message: str = "too many requests; try again later",
    ) -> None:  # fmt: skip
        super().__init__(detail=message, headers=headers)
        self.limit, self.reset = limit, reset


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorOut]:  # fmt: skip
    body = ErrorOut(
        success=False, error=ErrorBody(error=code, message=message, details=details), detail=message
    )
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _fields(issues: Any) -> dict[str, Any]:
    return {"fields": [msgspec.structs.asdict(i) for i in issues]}


def domain_error(_: Request[Any, Any, Any], exc: Exception) -> Response[ErrorOut]:
    assert isinstance(exc, DomainError)
    for kind, status, code in _DOMAIN:
        if isinstance(exc, kind):
            details: dict[str, Any] = {"code": exc.code}
            if isinstance(exc, InvalidInput):
                details = _fields(exc.issues)
            elif isinstance(exc, UpstreamError):
                details = {"code": exc.code, "retry_after": exc.retry_after}
            return error_response(status, code, exc.message, details)
    return server_error(_, exc)


def http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorOut]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if isinstance(exc, ValidationException) or status == 400:
        # Malformed JSON, wrong types, missing fields: a client mistake, so 422, never 400.
        extra = exc.extra if isinstance(exc.extra, list) else []
        fields = [
            {"field": str(e.get("key") or e.get("source") or "body"), "code": "invalid",
             "message": str(e.get("message", "is not valid"))}
            for e in extra if isinstance(e, dict)
        ]  # fmt: skip
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or str(exc.detail)
        return error_response(422, "validation_error", message, {"fields": fields})
    if status >= 500:
        return server_error(request, exc)
    if status == 403:  # never a 403 for a client: a foreign resource does not exist for them
        status = 404
    details: dict[str, Any] | None = None
    if isinstance(exc, RateLimited):
        details = {"limit": exc.limit, "remaining": 0, "reset": exc.reset}
    code = _HTTP.get(status, "validation_error")
    return error_response(status, code, str(exc.detail), details, headers=exc.headers)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorOut]:
    log.error(
        "unhandled_error", error_type=type(exc).__name__, path=request.scope.get("path_template")
    )
    return error_response(500, "server_error", "something went wrong on our side; please retry")


HANDLERS = {DomainError: domain_error, HTTPException: http_error, Exception: server_error}
