from __future__ import annotations

from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import TokenPurpose
from creatorpulse.domain.model.users import User
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


class VerifyEmail:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, token: object) -> User:
        invalid = InvalidInput.of(
            "token", "invalid_token", "this verification link is unknown, used or expired"
        )
        if not isinstance(token, str) or not token:
            raise invalid
        now = self._clock.now()
        async with self._uow.system() as tx:
            found = await tx.tokens.consume(token_hash(token), TokenPurpose.VERIFY_EMAIL, now)
            user = await tx.users.get(found.user_id) if found else None
            if user is None:
                raise invalid
            user.verify_email(now)
            await tx.users.update(user)
            await tx.commit()
        return user
