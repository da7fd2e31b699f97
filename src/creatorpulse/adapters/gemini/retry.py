"""Retrying Gemini calls: the server's own delay first, else exponential backoff with jitter."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx2
from google.genai import errors

from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from creatorpulse.domain.model.errors import UpstreamError

T = TypeVar("T")
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
_TRANSPORT: tuple[type[BaseException], ...] = (httpx2.TransportError, OSError, TimeoutError)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    # A server asking for a longer pause fails the call now; the job retries later instead.
    max_server_delay: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    jitter: Callable[[], float] = field(default=random.random)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def backoff(self, retry: int) -> float:
        """Equal jitter: half the exponential step is fixed, half is random."""
        step = min(self.max_delay, self.base_delay * 2.0**retry)
        return step / 2 + step / 2 * self.jitter()


def _retry_info_delay(body: Any) -> float | None:
    error = body.get("error", body) if isinstance(body, dict) else None
    for detail in (error or {}).get("details") or []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            match = _DURATION.match(str(detail.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def _retry_after_header(error: errors.APIError) -> float | None:
    headers = getattr(error.response, "headers", None) or {}
    value = headers.get("retry-after") if hasattr(headers, "get") else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def server_delay(error: errors.APIError) -> float | None:
    """google.rpc.RetryInfo `retryDelay` in the error details, else the Retry-After header."""
    found = _retry_info_delay(error.details)
    return found if found is not None else _retry_after_header(error)


def classify(error: BaseException, what: str) -> UpstreamError | None:
    """Our error for a library error; None for errors that are not about the service."""
    if isinstance(error, errors.APIError):
        status = error.status or ""
        detail = f"{error.code} {status}: {error.message or 'no message'}".replace(" :", ":")
        if error.code in RETRYABLE_STATUSES:
            return UpstreamError(
                f"{what} is unavailable ({detail})",
                code="gemini_unavailable",
                transient=True,
                retry_after=server_delay(error),
            )
        return UpstreamError(f"{what} refused the request ({detail})", code="gemini_rejected")
    if isinstance(error, _TRANSPORT):
        reason = str(error) or type(error).__name__
        return UpstreamError(
            f"{what} could not be reached: {reason}", code="gemini_unreachable", transient=True
        )
    return None


async def call_with_retry(
    call: Callable[[], Awaitable[T]], *, what: str, policy: RetryPolicy, limiter: RateLimiter
) -> T:
    """Each attempt takes a rate-limit slot; waits between attempts hold none."""
    for attempt in range(1, policy.attempts + 1):
        try:
            async with limiter.slot():
                return await call()
        except Exception as error:
            failure = classify(error, what)
            if failure is None:
                raise
            wait = failure.retry_after
            wait = policy.backoff(attempt - 1) if wait is None else wait
            if not failure.transient:
                raise failure from error
            if attempt == policy.attempts or wait > policy.max_server_delay:
                raise UpstreamError(
                    f"{failure.message}; gave up after {attempt} attempt(s)",
                    code=failure.code,
                    transient=True,
                    retry_after=failure.retry_after,
                ) from error
            await policy.sleep(wait)
    raise AssertionError("unreachable: attempts must be at least 1")
