"""Rate-limit windows and failed sign-ins shared through the database, falling back to this
process's own counts while the database does not answer: a limit check must never be why a
request (or `/health/ready`) hangs during an outage."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from creatorpulse.entrypoints.http.auth import Failure, FailureStore, MemoryFailures
from creatorpulse.entrypoints.http.rate_limit import MemoryWindows, WindowStore

log = structlog.get_logger("creatorpulse.http")
T = TypeVar("T")
WITHIN = 0.5  # seconds the database gets to count, pool wait included
PAUSE = 5.0  # seconds counted locally after a failure before the database is tried again


class Breaker:
    """Ask the database; while it does not answer, count locally for `pause` seconds."""

    def __init__(
        self, *, within: float = WITHIN, pause: float = PAUSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self._within, self._pause, self._clock = within, pause, clock
        self._local_until = 0.0

    async def call(
        self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]
    ) -> T:
        if self._clock() < self._local_until:
            return await local()
        try:
            async with asyncio.timeout(self._within):
                return await shared()
        except Exception as error:  # down, restarting or too slow: count here for a while
            self._local_until = self._clock() + self._pause
            log.warning("shared_limits_unavailable", error=type(error).__name__, pause=self._pause)
            return await local()


class SharedWindows(WindowStore):
    def __init__(self, shared: WindowStore, breaker: Breaker | None = None) -> None:
        self._shared, self._local, self._breaker = shared, MemoryWindows(), breaker or Breaker()

    async def count(self, key: str, period: int, now: float) -> tuple[float, int]:
        return await self._breaker.call(
            lambda: self._shared.count(key, period, now),
            lambda: self._local.count(key, period, now),
        )


class SharedFailures(FailureStore):
    def __init__(self, shared: FailureStore, breaker: Breaker | None = None) -> None:
        self._shared, self._local, self._breaker = shared, MemoryFailures(), breaker or Breaker()

    async def add(self, failures: list[Failure], at: float) -> None:
        await self._breaker.call(
            lambda: self._shared.add(failures, at), lambda: self._local.add(failures, at)
        )

    async def nth_newest(self, asks: list[tuple[Failure, int]], since: float) -> list[float | None]:
        return await self._breaker.call(
            lambda: self._shared.nth_newest(asks, since),
            lambda: self._local.nth_newest(asks, since),
        )

    async def clear(self, failure: Failure) -> None:
        await self._local.clear(failure)
        await self._breaker.call(lambda: self._shared.clear(failure), self._local_noop)

    @staticmethod
    async def _local_noop() -> None:
        return None
