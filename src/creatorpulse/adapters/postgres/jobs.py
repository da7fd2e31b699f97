"""Job claims and dead letters. Both tables are granted to the system role only."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg.types.json import Jsonb

from creatorpulse.adapters.postgres.rows import PgRepository
from creatorpulse.domain.model.jobs import DeadLetter
from creatorpulse.ports.storage import DeadLetterRepository, JobClaimRepository

LETTER = "id, task_name, args, error, attempts, created_at, replayed_at"


class PgJobClaims(PgRepository, JobClaimRepository):
    async def claim(self, key: str, now: datetime, lease: timedelta | None = None) -> bool:
        # One statement: a concurrent claimer waits on the row lock, then sees it held.
        taken = await self._scalar(
            "INSERT INTO job_claims (key, claimed_at) VALUES (%(key)s, %(now)s) "
            "ON CONFLICT (key) DO UPDATE SET claimed_at = EXCLUDED.claimed_at, finished_at = NULL "
            "WHERE %(lease)s::interval IS NOT NULL AND job_claims.finished_at IS NULL "
            "AND job_claims.claimed_at <= %(now)s - %(lease)s::interval RETURNING key",
            {"key": key, "now": now, "lease": lease},
        )
        return taken is not None

    async def finish(self, key: str, now: datetime) -> None:
        await self._execute("UPDATE job_claims SET finished_at = %s WHERE key = %s", (now, key))

    async def release(self, key: str) -> None:
        await self._execute("DELETE FROM job_claims WHERE key = %s", (key,))

    async def delete_before(self, cutoff: datetime) -> int:
        return await self._execute("DELETE FROM job_claims WHERE claimed_at < %s", (cutoff,))

    async def delete_prefixed(self, prefix: str) -> int:
        query = "DELETE FROM job_claims WHERE starts_with(key, %s)"
        return await self._execute(query, (prefix,))


class PgDeadLetters(PgRepository, DeadLetterRepository):
    async def add(self, letter: DeadLetter) -> None:
        await self._execute(
            f"INSERT INTO dead_letters ({LETTER}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                letter.id, letter.task_name, Jsonb(letter.args), letter.error[:2000],
                letter.attempts, letter.created_at, letter.replayed_at,
            ),
        )  # fmt: skip

    async def get(self, letter_id: UUID) -> DeadLetter | None:
        query = f"SELECT {LETTER} FROM dead_letters WHERE id = %s"
        return await self._one(DeadLetter, query, (letter_id,))

    async def list_recent(self, limit: int = 100) -> list[DeadLetter]:
        query = f"SELECT {LETTER} FROM dead_letters ORDER BY created_at DESC LIMIT %s"
        return await self._all(DeadLetter, query, (limit,))

    async def update(self, letter: DeadLetter) -> None:
        await self._execute(
            "UPDATE dead_letters SET replayed_at = %s, attempts = %s WHERE id = %s",
            (letter.replayed_at, letter.attempts, letter.id),
        )

    async def delete_for_user(self, user_id: UUID) -> int:
        query = "DELETE FROM dead_letters WHERE args ->> 'user_id' = %s"
        return await self._execute(query, (str(user_id),))
