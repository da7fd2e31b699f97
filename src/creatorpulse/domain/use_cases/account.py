"""A signed-in creator's own account: read it, change settings, delete everything."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from creatorpulse.domain.model.errors import NotFound
from creatorpulse.domain.model.jobs import user_claims
from creatorpulse.domain.model.users import User
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


class Account:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def session(self, user_id: UUID, token_id: str) -> tuple[User | None, bool]:
        """The account a session token names (None if gone) and whether the token was signed
        out: what every signed-in request checks, in one read, or none while the store's
        memo holds it."""
        memo = self._uow.sessions
        if memo is not None and (kept := memo.get(user_id, token_id)) is not None:
            return kept
        stamp = memo.stamp() if memo is not None else 0
        async with self._uow.for_user(user_id, read_only=True) as tx:
            found = await tx.users.get_session(user_id, token_id, self._clock.now())
        if memo is not None:
            memo.put(user_id, token_id, found, stamp)
        return found

    async def sign_out(self, user_id: UUID, token_id: str, until: datetime) -> None:
        """Ends one session: its token is refused until it would have expired anyway."""
        async with self._uow.for_user(user_id) as tx:
            await tx.revocations.add(token_id, until, self._clock.now())
            await tx.commit()

    async def change_settings(
        self,
        user_id: UUID,
        *,
        timezone: object = None,
        delivery_time: object = None,
        email_notifications: object = None,
    ) -> User:
        async with self._uow.for_user(user_id) as tx:
            user = await tx.users.get(user_id)
            if user is None:
                raise NotFound("user not found")
            user.change_settings(
                now=self._clock.now(),
                timezone=timezone,
                delivery_time=delivery_time,
                email_notifications=email_notifications,
            )
            await tx.users.update(user)
            await tx.commit()
        return user

    async def delete(self, user_id: UUID) -> None:
        """Removes the account and every row that belongs to it, then what the background
        work kept that names it (claims on its days, its dead tasks): system records, which
        only the system scope may change."""
        async with self._uow.for_user(user_id) as tx:
            if await tx.users.get(user_id) is None:
                raise NotFound("user not found")
            await tx.users.delete(user_id)
            await tx.commit()
        async with self._uow.system() as tx:
            await tx.job_claims.delete_prefixed(user_claims(user_id))
            await tx.dead_letters.delete_for_user(user_id)
            await tx.commit()
