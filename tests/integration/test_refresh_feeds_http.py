"""The fetch cycle over real HTTP (HttpFeedFetcher → a local server) into both storage adapters:
one request per address, conditional on the second cycle, and Retry-After obeyed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from builders import make_source, make_user
from creatorpulse.adapters.feeds.fetcher import HttpFeedFetcher
from creatorpulse.adapters.http import SafeFetcher
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.system import FixedClock, RandomIds
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.refresh_feeds import RefreshFeeds
from creatorpulse.ports.storage import UnitOfWorkFactory
from fakes_http.server import Exchange, LocalServer, serving

ETAG = '"v1"'
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Notes</title>
<item><title>Queues</title><link>https://example.com/q</link><description>We moved our job
queue to Postgres and cut our infrastructure costs in half within a month.</description></item>
<item><title>Reviews</title><link>https://example.com/r</link><description>Small pull requests
get reviewed faster, break less often, and are easier to roll back.</description></item>
</channel></rss>"""

server = pytest.fixture(serving)


@pytest.fixture(params=["memory", "postgres"])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield MemoryUnitOfWorkFactory()
        return
    database = Database(request.getfixturevalue("pg_clean"), max_connections=4)
    yield await database.open()
    await database.close()


def feed_with_etag(exchange: Exchange) -> None:
    if exchange.headers.get("if-none-match") == ETAG:
        exchange.send(304, headers={"ETag": ETAG})
    else:
        exchange.send(200, RSS, {"Content-Type": "text/html", "ETag": ETAG})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 6, tzinfo=UTC))


async def _cycle(
    storage: UnitOfWorkFactory, http: SafeFetcher, clock: FixedClock, outbox: Path
) -> RefreshFeeds:
    ids = RandomIds()
    mail = SendTransactionalEmail(
        storage, OutboxMailer(outbox, "cp@example.com", clock), clock, ids
    )
    fetchers = SourceFetchers(HttpFeedFetcher(http, now=clock.now))
    return RefreshFeeds(storage, fetchers, clock, ids, FastTextLanguage(), mail, "https://cp")


async def _follow(storage: UnitOfWorkFactory, urls: list[str], users: int) -> None:
    async with storage.system() as tx:
        for _ in range(users):
            user = make_user()
            await tx.users.add(user)
            for url in urls:
                await tx.sources.add(make_source(user.id, url))
        await tx.commit()


async def test_each_address_is_asked_once_then_only_conditionally(
    storage: UnitOfWorkFactory, server: LocalServer, clock: FixedClock, tmp_path: Path
) -> None:
    urls = [server.route(f"/feed-{n}.xml", feed_with_etag) for n in range(3)]
    await _follow(storage, urls, users=4)
    async with SafeFetcher(allow_private_networks=True, total_timeout=5) as http:
        cycle = await _cycle(storage, http, clock, tmp_path)
        first = await cycle()
        clock.advance(timedelta(hours=1))
        second = await cycle()

    assert (first.fetched, first.stored, first.failed) == (3, 3 * 4 * 2, 0)
    assert (second.fetched, second.not_modified, second.stored) == (3, 3, 0)
    for n in range(3):
        hits = server.hits(f"/feed-{n}.xml")
        assert [h.headers.get("if-none-match") for h in hits] == [None, ETAG]
    async with storage.system() as tx:
        assert {s.last_checked for s in await tx.sources.list_active()} == {clock.now()}


async def test_retry_after_is_obeyed_for_every_follower(
    storage: UnitOfWorkFactory, server: LocalServer, clock: FixedClock, tmp_path: Path
) -> None:
    url = server.route("/busy.xml", lambda e: e.send(429, b"slow down", {"Retry-After": "600"}))
    await _follow(storage, [url], users=3)
    async with SafeFetcher(allow_private_networks=True, total_timeout=5) as http:
        cycle = await _cycle(storage, http, clock, tmp_path)
        assert (await cycle()).failed == 1
        clock.advance(timedelta(minutes=5))
        assert (await cycle()).waiting == 1
        server.route("/busy.xml", feed_with_etag)
        clock.advance(timedelta(minutes=5))
        assert (await cycle()).stored == 3 * 2

    assert len(server.hits("/busy.xml")) == 2
    async with storage.system() as tx:
        assert {s.error_count for s in await tx.sources.list_active()} == {0}
        state = await tx.feed_state.get(url)
    assert state is not None and (state.etag, state.consecutive_failures) == (ETAG, 0)
