"""What the sweeps hand out: whose email is due, whose drafts to write, whether a tick is new."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from creatorpulse.domain.model.drafts import RECENT_ITEMS
from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.errors import NotFound
from creatorpulse.domain.model.jobs import CLAIM_RETENTION, generation_day, tick_key
from creatorpulse.domain.model.schedule import email_due, local_date
from creatorpulse.domain.model.style import MIN_POSTS_FOR_DRAFTS
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


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

    # Each sweep asks a fixed number of questions however many creators there are (it ran every
    # ten minutes with two or three per creator: 30,000 round trips at 10,000 creators).

    async def emails(self) -> list[UUID]:
        """Users whose delivery time has come today and who have an email to send."""
        now = self._clock.now()
        async with self._uow.system() as tx:
            users = [
                u for u in await tx.users.list_active()
                if u.receives_daily_email and email_due(now, u.delivery_time, u.timezone)
            ]  # fmt: skip
            days = [(u.id, local_date(now, u.timezone)) for u in users]
            claimed = {d.user_id: d for d in await tx.deliveries.list_daily(days)}
            unclaimed = [u.id for u in users if u.id not in claimed]
            stamps = (
                await tx.drafts.stamps_since(unclaimed, now - RECENT_ITEMS) if unclaimed else []
            )
        unsent = {s.user_id for s in stamps if s.email_sent_at is None}
        return [
            u.id for u in users
            if (u.id in unsent if (claim := claimed.get(u.id)) is None else not claim.done)
        ]  # fmt: skip

    async def drafts(self) -> list[UUID]:
        """Users whose drafts for their next delivery are due and not written yet."""
        now = self._clock.now()
        async with self._uow.system() as tx:
            users = await tx.users.list_active()
            days = {
                u.id: day for u in users
                if u.receives_daily_email
                and (day := generation_day(now, u.delivery_time, u.timezone)) is not None
            }  # fmt: skip
            claimed = {d.user_id for d in await tx.deliveries.list_daily(list(days.items()))}
            wanted = [user_id for user_id in days if user_id not in claimed]
            trained = await tx.style_posts.count_processed_each(wanted) if wanted else {}
            wanted = [u for u in wanted if trained.get(u, 0) >= MIN_POSTS_FOR_DRAFTS]
            stamps = await tx.drafts.stamps_since(wanted, now - RECENT_ITEMS) if wanted else []
        zones = {u.id: u.timezone for u in users}
        written = {
            s.user_id
            for s in stamps
            if local_date(s.created_at, zones[s.user_id]) == days[s.user_id]
        }
        return [user_id for user_id in wanted if user_id not in written]

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
