"""The sources' health at a glance, for the operator: the fetch cycle does the checking."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory

STALE_AFTER = timedelta(hours=2)


class SourceHealth(msgspec.Struct, kw_only=True):
    active: int
    failing: int  # active, last check failed (disabled at the fifth in a row)
    stale: int  # active, not checked for STALE_AFTER: the fetch cycle is not reaching them


class SourceHealthReport:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self) -> SourceHealth:
        cutoff = self._clock.now() - STALE_AFTER
        async with self._uow.system() as tx:
            sources = await tx.sources.list_active()
        return SourceHealth(
            active=len(sources),
            failing=sum(1 for s in sources if s.error_count > 0),
            stale=sum(1 for s in sources if s.last_checked is None or s.last_checked < cutoff),
        )
