"""The contract's rate limits, with X-RateLimit-* headers; per user when signed in, per client
address otherwise. Fixed windows, counted in this process (`serve`) or in the database, shared by
every API process (`api` beside NATS workers; see docs/decisions.md)."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from creatorpulse.entrypoints.http.edge import header
from creatorpulse.entrypoints.http.errors import RateLimited, http_error

DEFAULT = (100, 60)
Hit = tuple[int, int, int, int | None]  # limit, remaining, reset (epoch s), wait (s) or None


class WindowStore(Protocol):
    async def count(self, key: str, period: int, now: float) -> tuple[float, int]:
        """Count one request under `key`: (its window's start, requests in it so far). A
        window that began `period` or more seconds before `now` starts again at `now`."""
        ...


class MemoryWindows(WindowStore):
    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    async def count(self, key: str, period: int, now: float) -> tuple[float, int]:
        start, count = self._windows.get(key, (now, 0))
        if now - start >= period:
            start, count = now, 0
        self._windows[key] = (start, count + 1)
        if len(self._windows) > 100_000:  # bound memory: drop windows that have ended
            self._windows = {k: v for k, v in self._windows.items() if now - v[0] < period}
        return start, count + 1


class WindowCounter:
    def __init__(
        self, factor: float, store: WindowStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:  # fmt: skip
        self.factor, self._clock = factor, clock
        self.store = store or MemoryWindows()

    async def hit(self, key: str, limit: int, period: int) -> Hit:
        """Count one request: (limit, remaining, reset epoch seconds, seconds to wait when over
        the limit, else None). The wait is counted from now, so it never exceeds the period."""
        now = self._clock()
        start, count = await self.store.count(key, period, now)
        cap = max(1, math.floor(limit * self.factor))
        wait = max(1, math.ceil(start + period - now)) if count > cap else None
        return cap, max(0, cap - count), math.ceil(start + period), wait


Verify = Callable[[str], Awaitable[str | None]]


async def _subject(scope: Scope, verify: Verify) -> str:
    """The bucket: the signed-in user when the token verifies, else the client address.

    An unverified `sub` would let anyone pick a fresh bucket per request (a random subject in
    a forged token) and so skip the per-address limits, the login limit first of all."""
    value = header(scope, b"authorization")
    if value[:7].lower() == b"bearer ":
        user = await verify(value[7:].decode("latin-1").strip())
        if user is not None:
            return f"user:{user}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def rate_limit_middleware(counter: Callable[[], Awaitable[WindowCounter]], verify: Verify) -> Any:
    """`counter` is awaited per request (the shared one needs the open store). Installed only
    while limits are on (a factor above 0; the counter scales them)."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def handle(scope: Scope, receive: Receive, send: Send) -> None:
            handler = scope.get("route_handler")
            if scope["type"] != ScopeType.HTTP or handler is None:
                await app(scope, receive, send)
                return
            limit, period = handler.opt.get("rate_limit", DEFAULT)
            key = f"{scope['method']} {scope.get('path_template')}|{await _subject(scope, verify)}"
            cap, remaining, reset, wait = await (await counter()).hit(key, limit, period)
            headers = {
                "X-RateLimit-Limit": str(cap), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(reset),
            }  # fmt: skip
            if wait is not None:
                # Answered here rather than raised: a raise would pass the edge middleware
                # (logged and counted as a 500, no request id or security headers).
                limited = RateLimited(cap, reset, headers | {"Retry-After": str(wait)})
                request: Request[Any, Any, Any] = Request(scope, receive)
                await http_error(request, limited).to_asgi_response(None, request)(
                    scope, receive, send
                )
                return
            raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = list(message.get("headers") or []) + raw
                await send(message)

            await app(scope, receive, send_with_headers)

        return handle

    return middleware
