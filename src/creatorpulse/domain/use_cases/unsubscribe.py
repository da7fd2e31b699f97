from __future__ import annotations

from creatorpulse.domain.model.errors import NotFound
from creatorpulse.domain.model.tokens import TokenPurpose
from creatorpulse.domain.model.users import MailPause, User
from creatorpulse.domain.use_cases.token_links import user_behind
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


class Unsubscribe:
    """Stop the daily email for the holder of an unsubscribe link (repeatable, no sign-in)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, token: object) -> User:
        missing = NotFound("this unsubscribe link is unknown or expired", code="invalid_token")
        now = self._clock.now()
        async with self._uow.system() as tx:
            user = await user_behind(tx, token, TokenPurpose.UNSUBSCRIBE, now, missing)
            user.pause_mail(MailPause.UNSUBSCRIBED, now)
            await tx.users.update(user)
            await tx.commit()
        return user
