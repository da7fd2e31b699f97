"""A creator's drafts written once per local day ahead of their delivery, however often the
sweep or a redelivered task asks: a claim per (user, local date) decides who writes them."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from creatorpulse.domain.model.errors import NotFound
from creatorpulse.domain.model.jobs import generation_day, generation_key
from creatorpulse.domain.use_cases.generate_drafts import GenerateDrafts, GenerationOutcome
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory

# Longer than any generation takes: a claim older than this, unfinished, was left by a crash.
GENERATION_LEASE = timedelta(minutes=15)


class ScheduledDrafts:
    def __init__(self, uow: UnitOfWorkFactory, generate: GenerateDrafts, clock: Clock) -> None:
        self._uow, self._generate, self._clock = uow, generate, clock

    async def __call__(self, user_id: UUID, *, force: bool = False) -> GenerationOutcome | None:
        """Today's drafts if due and not yet written; None when there is nothing to do.

        `force` writes now, ignoring the time of day (and the claim, as the API's button does).
        """
        if force:
            return await self._generate(user_id, force=True)
        now = self._clock.now()
        async with self._uow.system() as tx:
            user = await tx.users.get(user_id)
            if user is None:
                raise NotFound("user not found")
            day = generation_day(now, user.delivery_time, user.timezone)
            if day is None:
                return None
            key = generation_key(user_id, day)
            taken = await tx.job_claims.claim(key, now, GENERATION_LEASE)
            await tx.commit()
        if not taken:
            return None
        try:
            outcome = await self._generate(user_id)
        except BaseException:
            async with self._uow.system() as tx:  # a later attempt may succeed: let it
                await tx.job_claims.release(key)
                await tx.commit()
            raise
        async with self._uow.system() as tx:
            await tx.job_claims.finish(key, self._clock.now())
            await tx.commit()
        return outcome
