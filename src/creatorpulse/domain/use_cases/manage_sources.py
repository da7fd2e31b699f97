from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from creatorpulse.domain.model.errors import InvalidInput, NotFound, UpstreamError
from creatorpulse.domain.model.sources import Source, SourceType, ensure_room_for_source
from creatorpulse.domain.use_cases.ingest import IngestReport, store_items
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.feeds import FeedFetcher, FetchedFeed, TweetFetcher
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
        if self.tweets is None:
            raise InvalidInput.of(
                "type",
                "twitter_not_configured",
                "X sources need the operator to set TWITTER_BEARER_TOKEN",
            )
        return await self.tweets.fetch(source.handle, clock.now() - FIRST_FETCH_WINDOW)


class AddSource:
    """Validate, fetch once (it must really be a feed or handle), store with its first items."""

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
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            await self._check_room(tx.sources, source)
            source.record_success(now)
            await tx.sources.add(source)
            report = await store_items(
                tx, source, feed.items, now=now, ids=self._ids, language=self._language
            )
            await tx.commit()
        return source, report

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
