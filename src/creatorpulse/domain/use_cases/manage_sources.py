from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from creatorpulse.domain.model.errors import InvalidInput, NotFound, UpstreamError
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.domain.model.sources import (
    Source,
    SourceType,
    ensure_room_for_source,
    parse_handle,
)
from creatorpulse.domain.use_cases.ingest import IngestReport, store_items
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.feeds import (
    ConditionalFeedFetcher,
    FeedFetcher,
    FeedOutcome,
    FetchedFeed,
    TweetFetcher,
    Validators,
)
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import SourceRepository, UnitOfWorkFactory

FIRST_FETCH_WINDOW = timedelta(hours=24)


class SourceFetchers:
    """The fetchers for each source type; X is optional (it needs an API token)."""

    def __init__(self, feeds: FeedFetcher, tweets: TweetFetcher | None = None) -> None:
        self.feeds, self.tweets = feeds, tweets

    async def fetch(self, source: Source, clock: Clock) -> FetchedFeed:
        if source.type is SourceType.RSS:
            return await self.feeds.fetch(source.url)
        return await self._tweets(source.url, clock)

    async def fetch_if_changed(
        self, kind: SourceType, url: str, validators: Validators, clock: Clock
    ) -> FeedOutcome:
        """A conditional request where the fetcher can make one; otherwise a plain fetch."""
        if kind is SourceType.RSS and isinstance(self.feeds, ConditionalFeedFetcher):
            return await self.feeds.fetch_if_changed(url, validators)
        if kind is SourceType.RSS:
            feed = await self.feeds.fetch(url)
        else:
            feed = await self._tweets(url, clock)
        return FeedOutcome(feed=feed, feed_url=url)

    async def _tweets(self, url: str, clock: Clock) -> FetchedFeed:
        if self.tweets is None:
            raise InvalidInput.of(
                "type",
                "twitter_not_configured",
                "X sources need the operator to set TWITTER_BEARER_TOKEN",
            )
        return await self.tweets.fetch(parse_handle(url), clock.now() - FIRST_FETCH_WINDOW)


class AddSource:
    """Validate, fetch once (it must really be a feed or handle), store with its first items.

    The first items are what the fetch found plus what other sources following the same
    address stored in the last 24 hours: a busy feed may already have rotated those out.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        fetchers: SourceFetchers,
        clock: Clock,
        ids: IdGenerator,
        language: LanguageDetector,
    ) -> None:
        self._uow, self._fetchers, self._clock = uow, fetchers, clock
        self._ids, self._language = ids, language

    async def __call__(
        self, user_id: UUID, type: object, url: object, name: object
    ) -> tuple[Source, IngestReport]:
        source = Source.create(
            id=self._ids.new_id(),
            user_id=user_id,
            type=type,
            url=url,
            name=name,
            now=self._clock.now(),
        )
        async with self._uow.for_user(user_id) as tx:
            await self._check_room(tx.sources, source)
        try:
            feed = await self._fetchers.fetch(source, self._clock)
        except UpstreamError as error:
            raise InvalidInput.of("url", error.code, error.message) from error
        if feed.feed_url:
            source.found_feed_at(feed.feed_url)
        now = self._clock.now()
        shared = await self._shared_items(source, now - FIRST_FETCH_WINDOW)
        async with self._uow.for_user(user_id) as tx:
            await self._check_room(tx.sources, source)
            source.record_success(now)
            await tx.sources.add(source)
            report = await store_items(
                tx, source, [*feed.items, *shared], now=now, ids=self._ids, language=self._language
            )
            await tx.commit()
        return source, report

    async def _shared_items(self, source: Source, since: datetime) -> list[FetchedItem]:
        """Public feed content other creators' sources kept; nothing of theirs but the feed."""
        async with self._uow.system() as tx:
            kept = await tx.items.recent_for_feed(source.type, source.url, since)
        return [FetchedItem(i.title, i.content, i.url, i.published_at) for i in kept]

    @staticmethod
    async def _check_room(sources: SourceRepository, source: Source) -> None:
        existing = await sources.list_for_user(source.user_id)
        ensure_room_for_source(len(existing))
        if any(s.url.lower() == source.url.lower() for s in existing):
            raise InvalidInput.of("url", "duplicate_source", "you already follow this source")


class UpdateSource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(
        self, user_id: UUID, source_id: UUID, name: object = None, active: object = None
    ) -> Source:
        async with self._uow.for_user(user_id) as tx:
            source = await tx.sources.get(source_id)
            if source is None:
                raise NotFound("source not found")
            source.update(now=self._clock.now(), name=name, active=active)
            await tx.sources.update(source)
            await tx.commit()
        return source


class RemoveSource:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, user_id: UUID, source_id: UUID) -> None:
        async with self._uow.for_user(user_id) as tx:
            if not await tx.sources.delete(source_id):
                raise NotFound("source not found")
            await tx.commit()


class ListSources:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, user_id: UUID) -> list[Source]:
        async with self._uow.for_user(user_id) as tx:
            return await tx.sources.list_for_user(user_id)

    async def one(self, user_id: UUID, source_id: UUID) -> Source:
        async with self._uow.for_user(user_id) as tx:
            source = await tx.sources.get(source_id)
        if source is None:
            raise NotFound("source not found")
        return source
