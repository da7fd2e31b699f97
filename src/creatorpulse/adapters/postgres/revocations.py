"""Signed-out token ids, shared by every API process through the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg_pool import AsyncConnectionPool

from creatorpulse.ports.clock import Clock


class PgRevocations:
    def __init__(self, pool: AsyncConnectionPool[Any], clock: Clock) -> None:
        self._pool, self._clock = pool, clock

    async def revoke(self, token_id: str, until: datetime) -> None:
        async with self._pool.connection() as conn:  # one statement: commit on success is right
            await conn.execute(
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES (%s, %s) "
                "ON CONFLICT (jti) DO NOTHING",
                (token_id, until),
            )
            await conn.execute(
                "DELETE FROM revoked_tokens WHERE expires_at <= %s", (self._clock.now(),)
            )

    async def is_revoked(self, token_id: str) -> bool:
        async with self._pool.connection() as conn:
            row = await (await conn.execute(
                "SELECT 1 FROM revoked_tokens WHERE jti = %s AND expires_at > %s",
                (token_id, self._clock.now()),
            )).fetchone()  # fmt: skip
        return row is not None
