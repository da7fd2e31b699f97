"""Job claims and dead letters in memory. System data: a user's scope may not touch them,
as the Postgres role of a user's transaction has no grant on those tables."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from creatorpulse.adapters.memory.store import Transaction
from creatorpulse.domain.model.jobs import DeadLetter
from creatorpulse.ports.storage import DeadLetterRepository, JobClaimRepository


class _Claim(msgspec.Struct, kw_only=True):
    key: str
    claimed_at: datetime
    finished_at: datetime | None = None


def _system_only(tx: Transaction) -> None:
    if tx.scope is not None:
        raise PermissionError("job records belong to the system scope")


class MemoryJobClaims(JobClaimRepository):
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def claim(self, key: str, now: datetime, lease: timedelta | None = None) -> bool:
        _system_only(self._tx)
        held: _Claim | None = self._tx.get("job_claims", key)
        if held is not None and (
            lease is None or held.finished_at is not None or held.claimed_at > now - lease
        ):
            return False
        self._tx.put("job_claims", key, _Claim(key=key, claimed_at=now))
        return True

    async def finish(self, key: str, now: datetime) -> None:
        _system_only(self._tx)
        held: _Claim | None = self._tx.get("job_claims", key)
        if held is not None:
            held.finished_at = now
            self._tx.put("job_claims", key, held)

    async def release(self, key: str) -> None:
        _system_only(self._tx)
        self._tx.delete("job_claims", key)

    async def delete_before(self, cutoff: datetime) -> int:
        _system_only(self._tx)
        old = [c.key for c in self._tx.rows("job_claims") if c.claimed_at < cutoff]
        for key in old:
            self._tx.delete("job_claims", key)
        return len(old)

    async def delete_prefixed(self, prefix: str) -> int:
        _system_only(self._tx)
        keys = [c.key for c in self._tx.rows("job_claims") if c.key.startswith(prefix)]
        return sum(self._tx.delete("job_claims", key) for key in keys)


class MemoryDeadLetters(DeadLetterRepository):
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add(self, letter: DeadLetter) -> None:
        _system_only(self._tx)
        self._tx.put("dead_letters", letter.id, letter)

    async def get(self, letter_id: UUID) -> DeadLetter | None:
        _system_only(self._tx)
        found: DeadLetter | None = self._tx.get("dead_letters", letter_id)
        return found

    async def list_recent(self, limit: int = 100) -> list[DeadLetter]:
        _system_only(self._tx)
        letters: list[DeadLetter] = list(self._tx.rows("dead_letters"))
        return sorted(letters, key=lambda d: d.created_at, reverse=True)[:limit]

    async def update(self, letter: DeadLetter) -> None:
        await self.add(letter)

    async def delete_for_user(self, user_id: UUID) -> int:
        _system_only(self._tx)
        ids = [d.id for d in self._tx.rows("dead_letters") if d.args.get("user_id") == str(user_id)]
        return sum(self._tx.delete("dead_letters", key) for key in ids)
