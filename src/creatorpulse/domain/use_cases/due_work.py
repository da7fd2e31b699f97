"""What the sweeps hand out: whose email is due, whose drafts to write, whether a tick is new."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from creatorpulse.domain.model.drafts import RECENT_ITEMS
from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.errors import NotFound
from creatorpulse.domain.model.jobs import CLAIM_RETENTION, generation_day, tick_key
from creatorpulse.domain.model.schedule import email_due, local_date
from creatorpulse.domain.model.style import MIN_POSTS_FOR_DRAFTS
from creatorpulse.domain.model.users import User
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory


class DueWork:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def claim_tick(self, job: str, every: timedelta) -> bool:
        """True for the first run of `job` in its schedule slot; a duplicate tick gets False."""
        now = self._clock.now()
        async with self._uow.system() as tx:
            taken = await tx.job_claims.claim(tick_key(job, now, every), now)
            await tx.commit()
        return taken

    async def emails(self) -> list[UUID]:
        """Users whose delivery time has come today and who have an email to send."""
        now = self._clock.now()
        due: list[UUID] = []
        async with self._uow.system() as tx:
            for user in await tx.users.list_active():
                if user.receives_daily_email and email_due(now, user.delivery_time, user.timezone):
                    due += [user.id] if await _email_pending(tx, user, now) else []
        return due

    async def drafts(self) -> list[UUID]:
        """Users whose drafts for their next delivery are due and not written yet."""
        now = self._clock.now()
        due: list[UUID] = []
        async with self._uow.system() as tx:
            for user in await tx.users.list_active():
                day = generation_day(now, user.delivery_time, user.timezone)
                if day is None or not user.receives_daily_email:
                    continue
                if await tx.deliveries.get_daily(user.id, day) is not None:
                    continue
                if await tx.style_posts.count_processed(user.id) < MIN_POSTS_FOR_DRAFTS:
                    continue
                recent = await tx.drafts.list_since(user.id, now - RECENT_ITEMS)
                if not any(local_date(d.created_at, user.timezone) == day for d in recent):
                    due.append(user.id)
        return due

    async def users(self, email: str | None = None) -> list[UUID]:
        """Every active user, or the one with `email` (NotFound when there is none)."""
        async with self._uow.system() as tx:
            if email is None:
                return [u.id for u in await tx.users.list_active()]
            user = await tx.users.get_by_email(normalise_email(email))
        if user is None:
            raise NotFound(f"no user with the email {email}")
        return [user.id]

    async def prune_claims(self) -> int:
        async with self._uow.system() as tx:
            pruned = await tx.job_claims.delete_before(self._clock.now() - CLAIM_RETENTION)
            await tx.commit()
        return pruned


async def _email_pending(tx: UnitOfWork, user: User, now: datetime) -> bool:
    claimed = await tx.deliveries.get_daily(user.id, local_date(now, user.timezone))
    if claimed is not None:
        return not claimed.done
    return any(
        d.email_sent_at is None for d in await tx.drafts.list_since(user.id, now - RECENT_ITEMS)
    )
