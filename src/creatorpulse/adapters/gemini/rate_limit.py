"""How many Gemini requests may run at once, and how many may start per minute."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager


class RateLimiter:
    """A concurrency cap (semaphore) plus a requests-per-minute token bucket.

    Create one per quota and hand it to every adapter that spends that quota, so all tasks
    of the process share it. `clock` and `sleep` are injectable for tests.
    """

    def __init__(
        self,
        *,
        max_concurrent: int = 4,
        requests_per_minute: float = 60.0,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        if requests_per_minute <= 0:
            raise ValueError("requests_per_minute must be positive")
        self._slots = asyncio.Semaphore(max_concurrent)
        self._rate = requests_per_minute / 60.0  # tokens per second
        self._capacity = float(burst if burst is not None else max_concurrent)
        if self._capacity < 1:
            raise ValueError("burst must be at least 1")
        self._tokens = self._capacity
        self._clock, self._sleep = clock, sleep
        self._updated = clock()
        self._queue = asyncio.Lock()  # waiters take tokens in arrival order

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the concurrent slots for the duration of one request."""
        async with self._slots:
            await self._take_token()
            yield

    async def _take_token(self) -> None:
        async with self._queue:
            self._refill()
            if self._tokens < 1:
                await self._sleep((1 - self._tokens) / self._rate)
                self._refill()
            self._tokens -= 1

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
        self._updated = now
