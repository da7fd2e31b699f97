"""FeedFetcher over the network: guarded HTTP, conditional requests, feed discovery."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec

from creatorpulse.adapters.feeds.discover import advertised_feed
from creatorpulse.adapters.feeds.parse import parse_feed, ttl_seconds
from creatorpulse.adapters.http.fetcher import HttpAnswer, SafeFetcher
from creatorpulse.adapters.http.freshness import MAX_WAIT
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from creatorpulse.ports.feeds import ConditionalFeedFetcher, FeedOutcome, FetchedFeed, Validators

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


class HttpFeedFetcher(ConditionalFeedFetcher):
    def __init__(
        self, http: SafeFetcher, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._http, self._now = http, now

    async def fetch(self, url: str) -> FetchedFeed:
        outcome = await self.fetch_if_changed(url, None)
        if outcome.feed is None:
            raise UpstreamError(
                f"{url} answered 304 Not Modified to a plain request", code="http_304"
            )
        return outcome.feed

    async def fetch_if_changed(self, url: str, validators: Validators | None) -> FeedOutcome:
        """304 costs no parse; an HTML page that advertises a feed is followed once."""
        answer = await self._http.get(url, validators, accept=ACCEPT)
        if answer.body is None:
            return self._outcome(answer, None)
        try:
            return self._outcome(answer, await self._parse(answer))
        except InvalidInput:
            alternate = advertised_feed(answer.body, answer.url)
            if alternate is None or alternate == answer.url:
                raise _not_a_feed("it serves a web page that does not link to a feed") from None
        followed = await self._http.get(alternate, None, accept=ACCEPT)
        if followed.body is None:
            raise _not_a_feed(f"the page links to {alternate}, which sent no feed")
        try:
            found = msgspec.structs.replace(await self._parse(followed), feed_url=alternate)
            return self._outcome(followed, found)
        except InvalidInput:
            raise _not_a_feed(
                f"the page links to {alternate}, but that is not a feed either"
            ) from None

    async def _parse(self, answer: HttpAnswer) -> FetchedFeed:
        body = answer.body or b""
        return await asyncio.to_thread(parse_feed, body, base_url=answer.url, now=self._now())

    def _outcome(self, answer: HttpAnswer, feed: FetchedFeed | None) -> FeedOutcome:
        hints = [s for s in (answer.max_age, ttl_seconds(answer.body or b"")) if s]
        wait = min(max(hints), MAX_WAIT) if hints else None
        return FeedOutcome(
            feed=feed,
            feed_url=answer.url,
            validators=answer.validators,
            next_check_after=self._now() + timedelta(seconds=wait) if wait else None,
        )


def _not_a_feed(why: str) -> InvalidInput:
    return InvalidInput.of("url", "not_a_feed", f"this address is not an RSS or Atom feed: {why}")
