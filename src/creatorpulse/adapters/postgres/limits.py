"""Rate-limit windows and failed sign-ins in the database, shared by every API process.

Keys are stored as digests: the tables say how often someone knocked, never who (the keys carry
email and client addresses). Both tables are UNLOGGED: a crash forgets the counts, which only
gives everyone a fresh window."""

from __future__ import annotations

import hashlib
from typing import Any

from psycopg_pool import AsyncConnectionPool

SWEEP_EVERY = 1000  # counts between deletions of windows long over
_KEEP = 86_400.0  # seconds: longer than any window the API uses


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


class PgWindows:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool, self._counted = pool, 0

    async def count(self, key: str, period: int, now: float) -> tuple[float, int]:
        self._counted += 1
        async with self._pool.connection() as conn:
            row = await (await conn.execute(
                "INSERT INTO rate_windows AS w (key, started, hits) VALUES (%(key)s, %(now)s, 1) "
                "ON CONFLICT (key) DO UPDATE SET "
                "started = CASE WHEN %(now)s - w.started >= %(period)s THEN %(now)s "
                "ELSE w.started END, "
                "hits = CASE WHEN %(now)s - w.started >= %(period)s THEN 1 ELSE w.hits + 1 END "
                "RETURNING started, hits",
                {"key": _digest(key), "now": now, "period": float(period)},
            )).fetchone()  # fmt: skip
            if self._counted % SWEEP_EVERY == 0:
                await conn.execute("DELETE FROM rate_windows WHERE started < %s", (now - _KEEP,))
        assert row is not None
        return float(row[0]), int(row[1])


class PgFailures:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def add(self, failures: list[tuple[str, str]], at: float) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO sign_in_failures (kind, key, at) "
                "SELECT kind, key, %(at)s FROM unnest(%(kinds)s::text[], %(keys)s::text[]) "
                "AS f(kind, key)",
                {"at": at, "kinds": [k for k, _ in failures],
                 "keys": [_digest(key) for _, key in failures]},
            )  # fmt: skip
            await conn.execute("DELETE FROM sign_in_failures WHERE at < %s", (at - _KEEP,))

    async def nth_newest(
        self, asks: list[tuple[tuple[str, str], int]], since: float
    ) -> list[float | None]:
        async with self._pool.connection() as conn:
            rows = await (await conn.execute(
                "SELECT (SELECT f.at FROM sign_in_failures f WHERE f.kind = q.kind "
                "AND f.key = q.key AND f.at >= %(since)s ORDER BY f.at DESC "
                "OFFSET q.n - 1 LIMIT 1) FROM unnest(%(kinds)s::text[], %(keys)s::text[], "
                "%(ns)s::int[]) WITH ORDINALITY AS q(kind, key, n, i) ORDER BY q.i",
                {"since": since, "kinds": [kind for (kind, _), _ in asks],
                 "keys": [_digest(key) for (_, key), _ in asks], "ns": [n for _, n in asks]},
            )).fetchall()  # fmt: skip
        return [None if row[0] is None else float(row[0]) for row in rows]

    async def clear(self, failure: tuple[str, str]) -> None:
        kind, key = failure
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM sign_in_failures WHERE kind = %s AND key = %s", (kind, _digest(key))
            )
