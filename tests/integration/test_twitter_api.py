"""TwitterFetcher against a local X API v2 that speaks the real paths, fields and headers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from creatorpulse.adapters.twitter import TwitterFetcher
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from fakes_http.server import LocalServer, serving
from fakes_http.x_api import FakeXApi, Tweet

NOW = datetime.now(UTC).replace(microsecond=0)
SINCE = NOW - timedelta(hours=24)
TIMELINE = "/2/users/2244994945/tweets"
server = pytest.fixture(serving)


@pytest.fixture
def x_api(server: LocalServer) -> FakeXApi:
    api = FakeXApi(server)
    tweets = [
        Tweet(
            str(1000 + n), f"Post number {n} about shipping &amp; testing", NOW - timedelta(hours=n)
        )
        for n in range(1, 6)
    ]
    tweets += [
        Tweet("2001", "RT someone else", NOW - timedelta(hours=2), kind="retweeted"),
        Tweet("2002", "@friend thanks!", NOW - timedelta(hours=3), kind="replied_to"),
        Tweet("2003", "An old post from last week", NOW - timedelta(days=7)),
    ]
    api.add_user("XDevelopers", "2244994945", tweets)
    return api


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield http


def fetcher(client: httpx.AsyncClient, x_api: FakeXApi, **options: int) -> TwitterFetcher:
    return TwitterFetcher(client, x_api.token, base_url=x_api.base_url, **options)


async def test_own_recent_posts_become_items(
    client: httpx.AsyncClient, x_api: FakeXApi, server: LocalServer
) -> None:
    feed = await fetcher(client, x_api).fetch("@XDevelopers", SINCE)
    assert [i.url for i in feed.items] == [
        f"https://x.com/XDevelopers/status/{1000 + n}" for n in range(1, 6)
    ]
    first = feed.items[0]
    assert first.title is None and first.content == "Post number 1 about shipping & testing"
    assert first.published_at == NOW - timedelta(hours=1)
    lookup, timeline = server.hits("/2/users/by/username/XDevelopers"), server.hits(TIMELINE)
    assert len(lookup) == len(timeline) == 1
    assert timeline[0].query == {
        "exclude": "retweets,replies",
        "start_time": SINCE.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "max_results": "100",
        "tweet.fields": "created_at,public_metrics",
    }
    assert timeline[0].headers["authorization"] == f"Bearer {x_api.token}"


async def test_pages_follow_next_token_and_stop(
    client: httpx.AsyncClient, x_api: FakeXApi, server: LocalServer
) -> None:
    x_api.page_size = 2
    feed = await fetcher(client, x_api).fetch("XDevelopers", SINCE)
    pages = server.hits(TIMELINE)
    assert len(feed.items) == 5 and len(pages) == 3
    assert [p.query.get("pagination_token") for p in pages] == [None, "2", "4"]


async def test_pages_are_bounded(
    client: httpx.AsyncClient, x_api: FakeXApi, server: LocalServer
) -> None:
    x_api.page_size = 1
    feed = await fetcher(client, x_api, max_pages=2).fetch("XDevelopers", SINCE)
    assert len(feed.items) == 2 and len(server.hits(TIMELINE)) == 2


async def test_user_id_is_looked_up_once_per_handle(
    client: httpx.AsyncClient, x_api: FakeXApi, server: LocalServer
) -> None:
    tweets = fetcher(client, x_api)
    await tweets.fetch("XDevelopers", SINCE)
    await tweets.fetch("xdevelopers", SINCE)
    assert len(server.hits("/2/users/by/username/XDevelopers")) == 1
    assert len(server.hits("/2/users/by/username/xdevelopers")) == 0
    assert len(server.hits(TIMELINE)) == 2


async def test_unknown_handle_is_invalid_input(client: httpx.AsyncClient, x_api: FakeXApi) -> None:
    with pytest.raises(InvalidInput) as missing:
        await fetcher(client, x_api).fetch("nobody_here", SINCE)
    assert missing.value.codes == {"handle_not_found"}


async def test_malformed_handle_sends_nothing(
    client: httpx.AsyncClient, x_api: FakeXApi, server: LocalServer
) -> None:
    with pytest.raises(InvalidInput):
        await fetcher(client, x_api).fetch("../../2/tweets/search", SINCE)
    assert server.requests == []


async def test_rate_limit_is_transient_with_reset_time(
    client: httpx.AsyncClient, x_api: FakeXApi
) -> None:
    x_api.rate_limited_until = int(time.time()) + 300
    with pytest.raises(UpstreamError) as limited:
        await fetcher(client, x_api).fetch("XDevelopers", SINCE)
    assert limited.value.code == "http_429" and limited.value.transient
    assert limited.value.retry_after is not None and 295 <= limited.value.retry_after <= 300


async def test_bad_token_is_reported_without_leaking_it(
    client: httpx.AsyncClient, x_api: FakeXApi
) -> None:
    wrong = TwitterFetcher(client, "wrong-secret-token", base_url=x_api.base_url)
    with pytest.raises(UpstreamError) as refused:
        await wrong.fetch("XDevelopers", SINCE)
    assert refused.value.code == "http_401" and not refused.value.transient
    assert "wrong-secret-token" not in refused.value.message
