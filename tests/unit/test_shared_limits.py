"""While the database does not answer, shared limits are counted in the process, quickly, and
the database is asked again after a pause."""

from __future__ import annotations

import asyncio
import time

from creatorpulse.entrypoints.http.auth import LoginThrottle
from creatorpulse.entrypoints.http.shared_limits import Breaker, SharedFailures, SharedWindows


class Hanging:
    """A store whose database never answers (or, once `healed`, answers at once)."""

    def __init__(self) -> None:
        self.calls, self.healed = 0, False

    async def _answer(self, value: object) -> object:
        self.calls += 1
        if not self.healed:
            await asyncio.sleep(3600)
        return value

    async def count(self, key: str, period: int, now: float) -> tuple[float, int]:
        return await self._answer((now, 99))  # type: ignore[return-value]

    async def add(self, failures: list[tuple[str, str]], at: float) -> None:
        await self._answer(None)

    async def nth_newest(self, asks: list[object], since: float) -> list[float | None]:
        return await self._answer([None] * len(asks))  # type: ignore[return-value]

    async def clear(self, failure: tuple[str, str]) -> None:
        await self._answer(None)


async def test_windows_are_counted_here_while_the_database_hangs() -> None:
    now = [0.0]
    shared = Hanging()
    windows = SharedWindows(shared, Breaker(within=0.05, pause=5.0, clock=lambda: now[0]))
    started = time.monotonic()
    assert await windows.count("k", 60, 1000.0) == (1000.0, 1)  # after 0.05 s, counted here
    assert await windows.count("k", 60, 1001.0) == (1000.0, 2)  # paused: not asked at all
    assert time.monotonic() - started < 1.0
    assert shared.calls == 1
    now[0] = 5.0
    shared.healed = True
    assert await windows.count("k", 60, 1002.0) == (1002.0, 99)  # asked again, answers
    assert shared.calls == 2


async def test_failed_sign_ins_are_counted_here_while_the_database_hangs() -> None:
    failures = SharedFailures(Hanging(), Breaker(within=0.05))
    throttle = LoginThrottle(failures, per_account=2, per_address=10, clock=lambda: 50.0)
    started = time.monotonic()
    for _ in range(2):
        await throttle.failed("maya@example.com", "10.0.0.1")
    assert await throttle.retry_after("maya@example.com", "10.0.0.1") == (2, 900.0)
    await throttle.succeeded("maya@example.com")
    assert await throttle.retry_after("maya@example.com", "10.0.0.1") is None
    assert time.monotonic() - started < 1.0
