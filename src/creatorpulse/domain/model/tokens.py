"""Single-purpose secret tokens that travel in emails; we keep only their hashes."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

VERIFY_EMAIL_TTL = timedelta(hours=48)
RESET_PASSWORD_TTL = timedelta(hours=1)
UNSUBSCRIBE_TTL = timedelta(days=365)


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    UNSUBSCRIBE = "unsubscribe"

    @property
    def ttl(self) -> timedelta:
        return {
            TokenPurpose.VERIFY_EMAIL: VERIFY_EMAIL_TTL,
            TokenPurpose.RESET_PASSWORD: RESET_PASSWORD_TTL,
            TokenPurpose.UNSUBSCRIBE: UNSUBSCRIBE_TTL,
        }[self]

    @property
    def single_use(self) -> bool:
        return self is not TokenPurpose.UNSUBSCRIBE


class ActionToken(msgspec.Struct, kw_only=True):
    token_hash: str
    purpose: TokenPurpose
    user_id: UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls, *, token_hash: str, purpose: TokenPurpose, user_id: UUID, now: datetime
    ) -> ActionToken:
        return cls(
            token_hash=token_hash,
            purpose=purpose,
            user_id=user_id,
            created_at=now,
            expires_at=now + purpose.ttl,
        )

    def usable(self, purpose: TokenPurpose, now: datetime) -> bool:
        fresh = now < self.expires_at
        unused = self.used_at is None or not purpose.single_use
        return self.purpose is purpose and fresh and unused
