"""What every request passes through: a request id, one structured log line, metrics and
security headers. Log lines name the route template, never the raw path (it may hold tokens)."""

from __future__ import annotations

import re
import time
from random import getrandbits
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from creatorpulse.entrypoints.logs import REQUEST_ID
from creatorpulse.entrypoints.metrics import Metrics

log = structlog.get_logger("creatorpulse.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
PAGE_CSP = (
    b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'"
)
# The interactive docs at /schema are Scalar, loaded from jsDelivr: allowed there only.
DOCS_CSP = (
    b"default-src 'none'; script-src https://cdn.jsdelivr.net; "
    b"style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.scalar.com; "
    b"font-src https://cdn.jsdelivr.net https://fonts.scalar.com; "
    b"img-src 'self' data: https://cdn.jsdelivr.net; connect-src 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def header(scope: Scope, name: bytes) -> bytes:
    """One request header's first value, b"" if absent (ASGI servers send names lowercased):
    cheaper than Litestar's Headers, which decodes every header into a multidict."""
    for key, value in scope.get("headers") or ():
        if key == name:
            return value
    return b""


def edge_middleware(metrics: Metrics, https: bool) -> Any:
    record = metrics.http.record
    # The logger itself, once: the module's is a proxy that looks it up on every line (create_app
    # configures logging before it builds this).
    request_log = log.bind()

    hsts = [(b"strict-transport-security", b"max-age=31536000")]
    always = SECURITY_HEADERS + hsts if https else SECURITY_HEADERS  # on every answer

    def middleware(app: ASGIApp) -> ASGIApp:
        async def handle(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            incoming = header(scope, b"x-request-id").decode("latin-1")
            # Ours: 128 random bits in hex, as many as a uuid4's. An id, not a secret: drawn
            # from `random` (reseeded in a forked child), without a system call per request.
            request_id = (
                incoming if incoming and _REQUEST_ID.match(incoming) else f"{getrandbits(128):032x}"
            )
            bound = REQUEST_ID.set(request_id)  # on every line logged while it is served
            started, status = time.perf_counter(), 500

            async def send_with_headers(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    headers = list(message.get("headers") or ())
                    named = {name.lower() for name, _ in headers}
                    headers += [(b"x-request-id", request_id.encode()), *always]
                    if b"cache-control" not in named:  # drafts, tokens, sessions: never cached
                        headers.append((b"cache-control", b"no-store"))
                    if b"content-security-policy" not in named:
                        docs = scope["path"] in ("/schema", "/schema/")
                        headers.append((b"content-security-policy", DOCS_CSP if docs else PAGE_CSP))
                    message["headers"] = headers
                await send(message)

            try:
                await app(scope, receive, send_with_headers)
            finally:
                route = str(scope.get("path_template") or "unmatched")
                elapsed = time.perf_counter() - started
                record(scope["method"], route, status, elapsed)
                request_log.info(
                    "request", method=scope["method"], route=route, status=status,
                    duration_ms=round(elapsed * 1000, 1),
                )  # fmt: skip
                REQUEST_ID.reset(bound)

        return handle

    return middleware
