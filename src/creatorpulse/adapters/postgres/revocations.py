"""Signed-out session tokens, shared by every API process through the database (read together
with the account by PgUsers.get_session)."""

from __future__ import annotations

from datetime import datetime

from creatorpulse.adapters.postgres.rows import PgRepository
from creatorpulse.ports import storage


class PgRevocations(PgRepository, storage.RevocationRepository):
    async def add(self, token_id: str, until: datetime, now: datetime) -> None:
        self._tx.sessions_changed = True
        await self._execute(
            "INSERT INTO revoked_tokens (jti, expires_at) VALUES (%s, %s) "
            "ON CONFLICT (jti) DO NOTHING",
            (token_id, until),
        )
        await self._execute("DELETE FROM revoked_tokens WHERE expires_at <= %s", (now,))
