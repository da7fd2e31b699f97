"""The fetch cycle on in-memory storage: one request per address, whoever follows it."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import msgspec
import pytest

from builders import make_source, make_user
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock, RandomIds
from creatorpulse.domain.model.emails import EmailKind
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.domain.model.sources import FAILURES_BEFORE_DISABLE, Source
from creatorpulse.domain.use_cases.manage_sources import AddSource, SourceFetchers
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.refresh_feeds import RefreshFeeds
from creatorpulse.ports.feeds import ConditionalFeedFetcher, FeedOutcome, FetchedFeed, Validators

START = datetime(2026, 11, 25, 6, tzinfo=UTC)
TEXT = "Postgres 18 ships asynchronous I/O, which makes sequential scans faster on cloud disks."


class English:
    def detect(self, text: str) -> str | None:
        return "en"


class CountingFeeds(ConditionalFeedFetcher):
    """Feeds by URL, each with an ETag; counts requests, conditional ones and parses."""

    def __init__(self) -> None:
        self.documents: dict[str, list[FetchedItem]] = {}
        self.errors: dict[str, UpstreamError] = {}
        self.hints: dict[str, datetime] = {}
        self.pages: dict[str, str] = {}  # a page's address -> the feed it links to
        self.requests: Counter[str] = Counter()
        self.conditional = 0
        self.parses = 0

    def publish(self, url: str, *texts: str, at: datetime = START) -> None:
        self.documents[url] = [FetchedItem(title="News", content=t, published_at=at) for t in texts]

    def _etag(self, url: str) -> str:
        return f'"{hash(tuple(self.documents[url]))}"'

    async def fetch(self, url: str) -> FetchedFeed:
        feed = (await self.fetch_if_changed(self.pages.get(url, url), None)).feed
        assert feed is not None
        return msgspec.structs.replace(feed, feed_url=self.pages.get(url))

    async def fetch_if_changed(self, url: str, validators: Validators | None) -> FeedOutcome:
        self.requests[url] += 1
        self.conditional += bool(validators and validators.etag)
        if url in self.errors:
            raise self.errors[url]
        tag = Validators(etag=self._etag(url))
        hint = self.hints.get(url)
        if validators and validators.etag == tag.etag:
            return FeedOutcome(feed=None, feed_url=url, validators=tag, next_check_after=hint)
        self.parses += 1
        feed = FetchedFeed(title="Feed", items=list(self.documents[url]))
        return FeedOutcome(feed=feed, feed_url=url, validators=tag, next_check_after=hint)


class Cycle:
    def __init__(self, tmp_path: Path) -> None:
        self.clock = FixedClock(START)
        self.uow = MemoryUnitOfWorkFactory()
        self.feeds = CountingFeeds()
        ids = RandomIds()
        self.add_source = AddSource(
            self.uow, SourceFetchers(self.feeds), self.clock, ids, English()
        )
        mail = SendTransactionalEmail(
            self.uow, OutboxMailer(tmp_path, "cp@example.com", self.clock), self.clock, ids
        )
        self.run = RefreshFeeds(
            self.uow, SourceFetchers(self.feeds), self.clock, ids, English(), mail, "https://cp"
        )

    async def follow(self, *urls: str, users: int = 1) -> list[Source]:
        followed = []
        async with self.uow.system() as tx:
            for _ in range(users):
                user = make_user()
                await tx.users.add(user)
                for url in urls:
                    followed.append(make_source(user.id, url))
                    await tx.sources.add(followed[-1])
            await tx.commit()
        return followed

    async def creator(self) -> UUID:
        user = make_user()
        async with self.uow.system() as tx:
            await tx.users.add(user)
            await tx.commit()
        return user.id

    async def sources(self, ids: list[UUID]) -> list[Source]:
        async with self.uow.system() as tx:
            return await tx.sources.get_many(ids)

    async def items_of(self, source: Source) -> list[str]:
        async with self.uow.for_user(source.user_id) as tx:
            found = await tx.items.list_recent(source.user_id, START - timedelta(days=1))
        return sorted(i.content for i in found if i.source_id == source.id)


@pytest.fixture
def cycle(tmp_path: Path) -> Cycle:
    return Cycle(tmp_path)


async def test_ten_thousand_sources_over_a_thousand_addresses_cost_a_thousand_requests(
    cycle: Cycle,
) -> None:
    urls = [f"https://blog{n}.example/feed.xml" for n in range(1000)]
    for n, url in enumerate(urls):
        cycle.feeds.publish(url, f"{TEXT} Part {n}.")
    async with cycle.uow.system() as tx:
        for u in range(1000):  # each creator follows 10 addresses, each address 10 creators
            user = make_user()
            await tx.users.add(user)
            for j in range(10):
                await tx.sources.add(make_source(user.id, urls[(u * 10 + j) % 1000]))
        await tx.commit()
    started = time.perf_counter()

    first = await cycle.run()

    assert (first.addresses, first.fetched, first.stored) == (1000, 1000, 10_000)
    assert set(cycle.feeds.requests.values()) == {1} and len(cycle.feeds.requests) == 1000
    cycle.clock.advance(timedelta(hours=1))
    second = await cycle.run()
    assert (second.fetched, second.not_modified, second.stored) == (1000, 1000, 0)
    assert sum(cycle.feeds.requests.values()) == 2000
    assert cycle.feeds.conditional == 1000 and cycle.feeds.parses == 1000
    async with cycle.uow.system() as tx:
        checked = {s.last_checked for s in await tx.sources.list_active()}
    assert checked == {START + timedelta(hours=1)}  # unchanged feeds still count as checked
    assert time.perf_counter() - started < 10  # about 3 s on 2 cores


async def test_an_unchanged_feed_costs_a_conditional_request_and_no_parse(cycle: Cycle) -> None:
    cycle.feeds.publish("https://a.example/rss", TEXT)
    sources = await cycle.follow("https://a.example/rss", users=3)
    await cycle.run()
    cycle.clock.advance(timedelta(minutes=30))

    report = await cycle.run()

    assert (report.fetched, report.not_modified) == (1, 1)
    assert (cycle.feeds.conditional, cycle.feeds.parses) == (1, 1)
    for source in await cycle.sources([s.id for s in sources]):
        assert source.last_checked == cycle.clock.now() and source.error_count == 0


async def test_new_items_fan_out_to_every_follower_deduped_per_source(cycle: Cycle) -> None:
    url = "https://a.example/rss"
    cycle.feeds.publish(url, TEXT)
    [early] = await cycle.follow(url)
    await cycle.run()
    [late] = await cycle.follow(url)
    cycle.feeds.publish(url, TEXT, f"{TEXT} And a second story.")

    report = await cycle.run()

    assert report.stored == 3  # the early follower already had the first story
    assert await cycle.items_of(early) == [TEXT, f"{TEXT} And a second story."]
    assert await cycle.items_of(late) == [TEXT, f"{TEXT} And a second story."]


async def test_failures_count_per_source_and_disable_each_with_one_email(
    cycle: Cycle, tmp_path: Path
) -> None:
    url = "https://gone.example/rss"
    cycle.feeds.errors[url] = UpstreamError("gone.example answered 500", code="http_500")
    followers = await cycle.follow(url, users=3)
    for round in range(1, FAILURES_BEFORE_DISABLE + 2):
        report = await cycle.run()
        cycle.clock.advance(timedelta(hours=1))
        counts = [s.error_count for s in await cycle.sources([f.id for f in followers])]
        assert counts == [min(round, FAILURES_BEFORE_DISABLE)] * 3
        assert report.disabled == (3 if round == FAILURES_BEFORE_DISABLE else 0)

    assert cycle.feeds.requests[url] == FAILURES_BEFORE_DISABLE  # nobody follows it any more
    assert all(not s.active for s in await cycle.sources([f.id for f in followers]))
    assert len(list(tmp_path.glob("*-notification-*.eml"))) == 3
    for follower in followers:
        async with cycle.uow.for_user(follower.user_id) as tx:
            sent = await tx.deliveries.list_for_user(follower.user_id)
        assert [d.email_type for d in sent] == [EmailKind.NOTIFICATION]


async def test_retry_after_holds_the_address_back_for_every_follower(cycle: Cycle) -> None:
    url = "https://busy.example/rss"
    cycle.feeds.publish(url, TEXT)
    cycle.feeds.errors[url] = UpstreamError("busy", code="http_429", retry_after=3600)
    await cycle.follow(url, users=2)
    await cycle.run()
    async with cycle.uow.system() as tx:
        state = await tx.feed_state.get(url)
    assert state is not None and state.next_check_after == START + timedelta(hours=1)

    cycle.clock.advance(timedelta(minutes=59))
    waiting = await cycle.run()
    assert (waiting.waiting, waiting.fetched, cycle.feeds.requests[url]) == (1, 0, 1)

    del cycle.feeds.errors[url]
    cycle.clock.advance(timedelta(minutes=1))
    assert (await cycle.run()).stored == 2
    assert cycle.feeds.requests[url] == 2


async def test_the_servers_own_hint_defers_the_next_request(cycle: Cycle) -> None:
    url = "https://slow.example/rss"
    cycle.feeds.publish(url, TEXT)
    cycle.feeds.hints[url] = START + timedelta(hours=2)
    await cycle.follow(url)
    await cycle.run()
    cycle.clock.advance(timedelta(hours=1))
    assert (await cycle.run()).waiting == 1
    cycle.clock.advance(timedelta(hours=1))
    assert (await cycle.run()).fetched == 1
    assert cycle.feeds.requests[url] == 2


async def test_a_page_that_links_to_its_feed_is_followed_at_the_feeds_address(
    cycle: Cycle,
) -> None:
    cycle.feeds.publish("https://a.example/feed.xml", TEXT)
    cycle.feeds.pages["https://a.example/"] = "https://a.example/feed.xml"
    owner = await cycle.creator()
    source, report = await cycle.add_source(owner, "rss", "https://a.example/", "A")
    assert (source.url, report.stored) == ("https://a.example/feed.xml", 1)
    with pytest.raises(InvalidInput) as twice:
        await cycle.add_source(owner, "rss", "https://a.example/feed.xml", "A again")
    assert twice.value.codes == {"duplicate_source"}


async def test_a_new_follower_gets_what_others_kept_of_the_last_day(cycle: Cycle) -> None:
    url = "https://busy.example/rss"
    cycle.feeds.publish(url, f"{TEXT} Yesterday evening.")
    await cycle.follow(url, users=2)
    await cycle.run()  # stored at START, published at START
    cycle.clock.advance(timedelta(hours=20))
    morning = START + timedelta(hours=20)
    cycle.feeds.publish(url, f"{TEXT} This morning.", at=morning)  # the first rotated out

    source, report = await cycle.add_source(await cycle.creator(), "rss", url, "Busy")

    assert (report.fetched, report.stored) == (2, 2)
    assert await cycle.items_of(source) == [f"{TEXT} This morning.", f"{TEXT} Yesterday evening."]
    cycle.clock.advance(timedelta(hours=5))  # now the first story is over 24 hours old
    source, report = await cycle.add_source(await cycle.creator(), "rss", url, "Busy")
    assert await cycle.items_of(source) == [f"{TEXT} This morning."]
