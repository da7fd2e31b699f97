"""A scheduled check of one source: fetch, keep new items, and track its health."""

from __future__ import annotations

from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, NotFound, UpstreamError
from creatorpulse.domain.use_cases.ingest import IngestReport, store_items
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.source_health import NotifySourceDisabled
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWorkFactory


class RefreshOutcome(msgspec.Struct, kw_only=True):
    source_id: UUID
    ok: bool
    report: IngestReport | None = None
    error: str | None = None
    disabled: bool = False


class RefreshSource:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        fetchers: SourceFetchers,
        clock: Clock,
        ids: IdGenerator,
        language: LanguageDetector,
        send_email: SendTransactionalEmail,
        base_url: str,
    ) -> None:
        self._uow, self._fetchers, self._clock = uow, fetchers, clock
        self._ids, self._language = ids, language
        self._notify_disabled = NotifySourceDisabled(send_email, base_url)

    async def __call__(self, user_id: UUID, source_id: UUID) -> RefreshOutcome:
        async with self._uow.for_user(user_id) as tx:
            source = await tx.sources.get(source_id)
        if source is None:
            raise NotFound("source not found")
        if not source.active:
            return RefreshOutcome(source_id=source_id, ok=False, error="source is disabled")
        try:
            feed = await self._fetchers.fetch(source, self._clock)
        except (UpstreamError, InvalidInput) as error:
            return await self._failed(user_id, source_id, error.message)
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            current = await tx.sources.get(source_id)
            if current is None:
                raise NotFound("source not found")
            report = await store_items(
                tx, current, feed.items, now=now, ids=self._ids, language=self._language
            )
            current.record_success(now)
            await tx.sources.update(current)
            await tx.commit()
        return RefreshOutcome(source_id=source_id, ok=True, report=report)

    async def _failed(self, user_id: UUID, source_id: UUID, reason: str) -> RefreshOutcome:
        async with self._uow.for_user(user_id) as tx:
            source = await tx.sources.get(source_id)
            user = await tx.users.get(user_id)
            if source is None or user is None:
                raise NotFound("source not found")
            disabled = source.record_failure(reason, self._clock.now())
            await tx.sources.update(source)
            await tx.commit()
        if disabled:
            await self._notify_disabled(user, source, reason)
        return RefreshOutcome(source_id=source_id, ok=False, error=reason, disabled=disabled)
