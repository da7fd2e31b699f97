"""The real clock, ids and tokens; plus a settable clock for tests and simulations."""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator, TokenGenerator

TOKEN_BYTES = 32  # 256 bits


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class RandomIds(IdGenerator):
    """Version-4 UUIDs like uuid.uuid4(), from os.urandom 256 at a time: ingest takes
    thousands at once on the event loop's thread, and one system call each added up. A
    forked child draws its own (it must not hand out ids its parent already holds)."""

    BATCH = 256

    def __init__(self) -> None:
        self._pool: list[uuid.UUID] = []
        self._pid = os.getpid()

    def new_id(self) -> uuid.UUID:
        if self._pid != os.getpid():
            self._pool, self._pid = [], os.getpid()
        while True:
            try:
                return self._pool.pop()
            except IndexError:  # empty (another thread may have taken the last one)
                raw = os.urandom(16 * self.BATCH)
                self._pool = [
                    uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, len(raw), 16)
                ]


class SecretTokens(TokenGenerator):
    def new_token(self) -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)
