"""The hostile corpus (tests/integration/hostile) served over real HTTP to HttpFeedFetcher."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from creatorpulse.adapters.feeds.fetcher import HttpFeedFetcher
from creatorpulse.adapters.http import SafeFetcher
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from creatorpulse.ports.feeds import FetchedFeed
from fakes_http.hostile import serve_gzip_bomb
from fakes_http.server import Exchange, LocalServer, answer, serving

HOSTILE = Path(__file__).parent / "hostile"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ACTIVE = re.compile(r"<script|javascript:|vbscript:|data:text|\bon(?:error|load)\s*=|<[a-z]", re.I)
server = pytest.fixture(serving)


@pytest.fixture
async def feeds() -> AsyncIterator[HttpFeedFetcher]:
    async with SafeFetcher(allow_private_networks=True, total_timeout=3.0) as http:
        yield HttpFeedFetcher(http, now=lambda: NOW)


def serve(server: LocalServer, name: str, content_type: str = "application/rss+xml") -> str:
    body = (HOSTILE / name).read_bytes()
    return server.route(f"/{name}", answer(body, headers={"Content-Type": content_type}))


def texts(feed: FetchedFeed) -> list[str]:
    return [feed.title or "", *(t for i in feed.items for t in (i.title or "", i.content))]


@pytest.mark.parametrize("name", ["xxe.xml", "xxe_atom.xml"])
async def test_external_entities_are_never_expanded(
    server: LocalServer, feeds: HttpFeedFetcher, name: str
) -> None:
    assert "root:" in Path("/etc/passwd").read_text()  # so the assertion below can fail
    try:
        feed = await feeds.fetch(serve(server, name))
    except InvalidInput:
        return  # refusing the document is as good as not expanding it
    assert not any("root:" in text for text in texts(feed))
    assert len(server.requests) == 1  # and no request went out for the 'remote' entity


async def test_billion_laughs_stays_small_and_fast(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        feed = await feeds.fetch(serve(server, "billion_laughs.xml"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2.0
    assert peak < 50 * 1024 * 1024
    assert all(text.count("lol") < 1000 for text in texts(feed))


async def test_active_content_is_stripped_to_plain_text(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    feed = await feeds.fetch(serve(server, "active_content.xml"))
    assert len(feed.items) == 4
    for text in texts(feed):
        assert not ACTIVE.search(text), text
    assert "click me" in feed.items[0].content and "Before" in feed.items[0].content
    assert "only words" in feed.items[2].content
    assert [item.url for item in feed.items] == [None, None, None, server.url("/posts/clean")]


async def test_bad_and_future_dates_become_unknown(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    feed = await feeds.fetch(serve(server, "bad_dates.xml"))
    dates = {item.title: item.published_at for item in feed.items}
    assert dates.pop("valid") == datetime(2024, 1, 2, 10, tzinfo=UTC)
    assert set(dates) == {"missing", "garbage", "impossible", "far future", "year ten thousand"}
    assert set(dates.values()) == {None}


async def test_empty_feed_is_valid_with_no_items(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    feed = await feeds.fetch(serve(server, "empty.xml"))
    assert feed.title == "Nothing yet" and feed.items == []


async def test_html_page_is_not_a_feed(server: LocalServer, feeds: HttpFeedFetcher) -> None:
    with pytest.raises(InvalidInput) as refused:
        await feeds.fetch(serve(server, "page.html", "text/html"))
    assert refused.value.codes == {"not_a_feed"}
    assert "web page" in refused.value.message


async def test_page_advertising_its_feed_is_followed_once(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    server.route("/feed.xml", answer((HOSTILE / "valid.xml").read_bytes()))
    outcome = await feeds.fetch_if_changed(serve(server, "page_with_alternate.html"), None)
    assert outcome.feed is not None and outcome.feed.title == "Engineering notes"
    assert outcome.feed_url == server.url("/feed.xml")
    assert len(server.hits("/feed.xml")) == 1


async def test_page_advertising_a_page_says_so(server: LocalServer, feeds: HttpFeedFetcher) -> None:
    server.route("/feed.xml", answer((HOSTILE / "page.html").read_bytes()))
    with pytest.raises(InvalidInput) as refused:
        await feeds.fetch(serve(server, "page_with_alternate.html", "text/html"))
    assert refused.value.codes == {"not_a_feed"}
    assert server.url("/feed.xml") in refused.value.message


async def test_valid_rss_served_as_text_html_is_accepted(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    feed = await feeds.fetch(serve(server, "valid.xml", "text/html; charset=utf-8"))
    assert [i.title for i in feed.items] == ["Why we moved to Postgres", "Shipping small"]
    assert feed.items[0].content.strip() == (
        "We moved our queue to Postgres and cut our costs in half."
    )


@pytest.mark.parametrize(("status", "transient"), [(404, False), (500, True)])
async def test_missing_and_broken_feeds_are_upstream_errors(
    server: LocalServer, feeds: HttpFeedFetcher, status: int, transient: bool
) -> None:
    url = server.route("/gone", answer(b"nope", status=status))
    with pytest.raises(UpstreamError) as failed:
        await feeds.fetch(url)
    assert (failed.value.code, failed.value.transient) == (f"http_{status}", transient)


async def test_gzip_bomb_feed_is_too_large(server: LocalServer, feeds: HttpFeedFetcher) -> None:
    with pytest.raises(UpstreamError) as failed:
        await feeds.fetch(server.route("/bomb", serve_gzip_bomb))
    assert failed.value.code == "too_large"


async def test_second_pass_with_validators_is_304_with_ttl_hint(
    server: LocalServer, feeds: HttpFeedFetcher
) -> None:
    body = (HOSTILE / "valid.xml").read_bytes()

    def handle(exchange: Exchange) -> None:
        if exchange.headers.get("if-none-match") == '"abc"':
            exchange.send(304, headers={"ETag": '"abc"'})
        else:
            exchange.send(200, body, {"ETag": '"abc"', "Cache-Control": "max-age=60"})

    url = server.route("/feed", handle)
    first = await feeds.fetch_if_changed(url, None)
    second = await feeds.fetch_if_changed(url, first.validators)
    assert first.feed is not None and len(first.feed.items) == 2
    assert first.next_check_after == NOW + timedelta(minutes=90)  # <ttl>90</ttl> beats max-age
    assert second.not_modified and second.validators.etag == '"abc"'
