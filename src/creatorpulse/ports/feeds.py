from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

import msgspec

from creatorpulse.domain.model.items import FetchedItem


class FetchedFeed(msgspec.Struct, frozen=True, kw_only=True):
    title: str | None
    items: list[FetchedItem]
    # The feed's own address when the one asked for was a page that links to it (discovery);
    # None when the address asked for is the feed.
    feed_url: str | None = None


class Validators(msgspec.Struct, frozen=True):
    """What the server said identifies this version; sent back to ask 'has it changed?'."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        sent = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in sent.items() if value}


class FeedOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """A conditional fetch: the feed, or None when the server said it has not changed."""

    feed: FetchedFeed | None
    feed_url: str  # where the feed really is (after redirects or discovery)
    validators: Validators = Validators()
    next_check_after: datetime | None = None  # the server's own hint (max-age, <ttl>)

    @property
    def not_modified(self) -> bool:
        return self.feed is None


class FeedFetcher(Protocol):
    async def fetch(self, url: str) -> FetchedFeed:
        """The feed's entries, markup already sanitised away.

        Raises InvalidInput when the address is not a feed, UpstreamError when it failed.
        """


@runtime_checkable
class ConditionalFeedFetcher(FeedFetcher, Protocol):
    async def fetch_if_changed(self, url: str, validators: Validators | None) -> FeedOutcome:
        """Like `fetch`, but with validators a server that has nothing new costs no parse
        (`feed` is None). Raises what `fetch` raises."""


class TweetFetcher(Protocol):
    async def fetch(self, handle: str, since: datetime) -> FetchedFeed:
        """The handle's own posts since `since` (no retweets or replies).

        Raises InvalidInput when the handle does not exist, UpstreamError when it failed.
        """
