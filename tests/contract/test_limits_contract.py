"""Rate-limit windows and failed sign-ins: the per-process stores and the shared database ones
answer alike, and the database ones keep no readable key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest

from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.limits import PgFailures, PgWindows
from creatorpulse.entrypoints.http.auth import LoginThrottle, MemoryFailures
from creatorpulse.entrypoints.http.rate_limit import MemoryWindows, WindowCounter

T0 = 1_790_000_000.0


@pytest.fixture(params=["memory", "postgres"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, Any]]:
    if request.param == "memory":
        yield MemoryWindows(), MemoryFailures()
        return
    database = Database(request.getfixturevalue("pg_clean"), max_connections=2)
    await database.open()
    yield PgWindows(database.pool), PgFailures(database.pool)
    await database.close()


async def test_a_window_counts_until_its_period_ends_then_starts_again(
    stores: tuple[Any, Any],
) -> None:
    windows, _ = stores
    assert await windows.count("GET /v1/drafts|user:a", 60, T0) == (T0, 1)
    assert await windows.count("GET /v1/drafts|user:a", 60, T0 + 59.5) == (T0, 2)
    assert await windows.count("GET /v1/drafts|user:b", 60, T0 + 59.5) == (T0 + 59.5, 1)
    assert await windows.count("GET /v1/drafts|user:a", 60, T0 + 60) == (T0 + 60, 1)


async def test_the_counter_refuses_past_the_limit_on_either_store(stores: tuple[Any, Any]) -> None:
    times = iter([T0, T0 + 1, T0 + 2, T0 + 61])
    counter = WindowCounter(1.0, stores[0], clock=lambda: next(times))
    assert await counter.hit("k", 2, 60) == (2, 1, int(T0) + 60, None)
    assert (await counter.hit("k", 2, 60))[1:] == (0, int(T0) + 60, None)
    assert (await counter.hit("k", 2, 60))[3] == 58
    assert (await counter.hit("k", 2, 60))[3] is None  # a new window


async def test_failed_sign_ins_block_per_account_until_a_success(stores: tuple[Any, Any]) -> None:
    now = [T0]
    throttle = LoginThrottle(stores[1], per_account=3, per_address=5, clock=lambda: now[0])
    for _ in range(3):
        assert await throttle.retry_after("maya@example.com", "10.0.0.1") is None
        await throttle.failed("maya@example.com", "10.0.0.1")
        now[0] += 10
    limit, wait = await throttle.retry_after("maya@example.com", "10.0.0.9") or (0, 0.0)
    assert (limit, wait) == (3, 900 - 30)  # the oldest of the three frees a slot
    assert await throttle.retry_after("noor@example.com", "10.0.0.9") is None
    # two more from the same address, for another account: the address is now at its limit
    for _ in range(2):
        await throttle.failed("noor@example.com", "10.0.0.1")
    assert (await throttle.retry_after("noor@example.com", "10.0.0.1") or (0,))[0] == 5
    await throttle.succeeded("maya@example.com")
    assert await throttle.retry_after("maya@example.com", "10.0.0.9") is None
    now[0] += 900
    assert await throttle.retry_after("noor@example.com", "10.0.0.1") is None  # all expired


async def test_the_shared_tables_hold_digests_not_addresses(pg_clean: str) -> None:
    database = Database(pg_clean, max_connections=2)
    await database.open()
    try:
        await PgWindows(database.pool).count("POST /v1/auth/login|ip:203.0.113.7", 60, T0)
        await PgFailures(database.pool).add(
            [("account", "maya@example.com"), ("address", "203.0.113.7")], T0
        )
    finally:
        await database.close()
    with psycopg.connect(pg_clean) as conn:
        stored = conn.execute(
            "SELECT key FROM rate_windows UNION ALL SELECT key FROM sign_in_failures"
        ).fetchall()
    assert len(stored) == 3
    assert not any("maya" in key or "203.0.113" in key for (key,) in stored)
