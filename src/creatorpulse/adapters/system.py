"""The real clock, ids and tokens; plus a settable clock for tests and simulations."""

from __future__ import annotations

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
    def new_id(self) -> uuid.UUID:
        return uuid.uuid4()


class SecretTokens(TokenGenerator):
    def new_token(self) -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)
