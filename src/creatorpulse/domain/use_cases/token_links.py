"""The links we email carry tokens; this finds the account a link belongs to."""

from __future__ import annotations

from datetime import datetime

from creatorpulse.domain.model.errors import DomainError
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import TokenPurpose
from creatorpulse.domain.model.users import User
from creatorpulse.ports.storage import UnitOfWork


async def user_behind(
    tx: UnitOfWork, token: object, purpose: TokenPurpose, now: datetime, refusal: DomainError
) -> User:
    """The user whose usable `token` this is (consumed if single-use), else `refusal` raised."""
    if not isinstance(token, str) or not token:
        raise refusal
    found = await tx.tokens.consume(token_hash(token), purpose, now)
    user = await tx.users.get(found.user_id) if found else None
    if user is None:
        raise refusal
    return user
