"""Retention: items 7 days (30 once used), drafts 30 days without a vote, expired tokens, and
the fetch state of addresses nobody follows any more (a deleted account's feeds)."""

from __future__ import annotations

import msgspec

from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


class CleanupReport(msgspec.Struct, kw_only=True):
    items: int
    drafts: int
    tokens: int
    feeds: int


class Cleanup:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self) -> CleanupReport:
        now = self._clock.now()
        async with self._uow.system() as tx:
            report = CleanupReport(
                items=await tx.items.delete_expired(now),
                drafts=await tx.drafts.delete_expired(now),
                tokens=await tx.tokens.delete_expired(now),
                feeds=await tx.feed_state.delete_unfollowed(),
            )
            await tx.commit()
        return report
