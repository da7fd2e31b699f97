"""The fetch cycle: every followed address is fetched once, however many sources follow it.

Sources are grouped by (type, address). Each address is asked conditionally with the
validators its last answer gave, skipped while its server asked us to wait, and what it
published is screened once and stored for every source that follows it (dedupe stays per
source). Each source's health still counts on its own: a failure is a failure for every
follower, and each follower that reaches the limit is disabled with its own one email.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from creatorpulse.domain.model.feed_state import FeedFetchState
from creatorpulse.domain.model.sources import Source, SourceType
from creatorpulse.domain.model.users import User
from creatorpulse.domain.use_cases.ingest import screen, store_screened
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.source_health import NotifySourceDisabled
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.feeds import FeedOutcome, Validators
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWorkFactory

CONCURRENCY = 8  # addresses in flight at once: one slow server holds one slot, not the cycle

Feed = tuple[SourceType, str]


class CycleReport(msgspec.Struct, kw_only=True):
    addresses: int = 0  # distinct addresses followed by active sources
    fetched: int = 0  # requests made, conditional or not
    not_modified: int = 0  # answered "nothing new": no parse, followers still checked
    waiting: int = 0  # skipped: the server asked us to wait (Retry-After, max-age, <ttl>)
    failed: int = 0
    stored: int = 0  # new items over all followers
    disabled: int = 0  # sources this cycle disabled


def followed_feeds(sources: Sequence[Source]) -> dict[Feed, list[UUID]]:
    groups: dict[Feed, list[UUID]] = {}
    for source in sources:
        groups.setdefault((source.type, source.url), []).append(source.id)
    return groups


class RefreshFeeds:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        fetchers: SourceFetchers,
        clock: Clock,
        ids: IdGenerator,
        language: LanguageDetector,
        send_email: SendTransactionalEmail,
        base_url: str,
        *,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._uow, self._fetchers, self._clock = uow, fetchers, clock
        self._ids, self._language = ids, language
        self._notify_disabled = NotifySourceDisabled(send_email, base_url)
        self._concurrency = concurrency

    async def __call__(self, kind: SourceType | None = None) -> CycleReport:
        """One cycle over the feeds of `kind` (RSS every 30 min, X every 15), or all of them."""
        async with self._uow.system() as tx:
            feeds = followed_feeds(await tx.sources.list_active(kind))
            states = await tx.feed_state.get_many([url for _, url in feeds])
        report = CycleReport(addresses=len(feeds))
        gate = asyncio.Semaphore(self._concurrency)

        async def one(feed: Feed, followers: list[UUID]) -> None:
            state = states.get(feed[1]) or FeedFetchState(url=feed[1])
            if not state.is_due(self._clock.now()):
                report.waiting += 1
                return
            async with gate:
                await self._refresh(feed, followers, state, report)

        await asyncio.gather(*(one(feed, followers) for feed, followers in feeds.items()))
        return report

    async def _refresh(
        self, feed: Feed, followers: list[UUID], state: FeedFetchState, report: CycleReport
    ) -> None:
        validators = Validators(state.etag, state.last_modified)
        report.fetched += 1
        try:
            outcome = await self._fetchers.fetch_if_changed(*feed, validators, self._clock)
        except (UpstreamError, InvalidInput) as error:
            retry_after = error.retry_after if isinstance(error, UpstreamError) else None
            report.failed += 1
            await self._failed(followers, state, error.message, retry_after, report)
            return
        report.not_modified += outcome.not_modified
        await self._succeeded(followers, state, outcome, report)

    async def _succeeded(
        self,
        followers: list[UUID],
        state: FeedFetchState,
        outcome: FeedOutcome,
        report: CycleReport,
    ) -> None:
        screened = None
        if outcome.feed is not None:  # CPU-bound (regexes, language model): off the event loop
            screened = await asyncio.to_thread(screen, outcome.feed.items, self._language)
        now = self._clock.now()
        async with self._uow.system() as tx:
            sources = [s for s in await tx.sources.get_many(followers) if s.active]
            if screened is not None and sources:
                stored = await store_screened(tx, sources, screened, now=now, ids=self._ids)
                report.stored += sum(r.stored for r in stored.values())
            for source in sources:
                source.record_success(now)
                await tx.sources.update(source)
            state.record_success(
                etag=outcome.validators.etag,
                last_modified=outcome.validators.last_modified,
                next_check_after=outcome.next_check_after,
                now=now,
            )
            await tx.feed_state.put(state)
            await tx.commit()

    async def _failed(
        self,
        followers: list[UUID],
        state: FeedFetchState,
        reason: str,
        retry_after: float | None,
        report: CycleReport,
    ) -> None:
        now = self._clock.now()
        disabled: list[tuple[User, Source]] = []
        async with self._uow.system() as tx:
            for source in [s for s in await tx.sources.get_many(followers) if s.active]:
                if source.record_failure(reason, now):
                    owner = await tx.users.get(source.user_id)
                    disabled += [(owner, source)] if owner is not None else []
                await tx.sources.update(source)
            state.record_failure(reason, retry_after=retry_after, now=now)
            await tx.feed_state.put(state)
            await tx.commit()
        report.disabled += len(disabled)
        for owner, source in disabled:
            await self._notify_disabled(owner, source, reason)
