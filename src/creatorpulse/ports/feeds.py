from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from creatorpulse.domain.model.items import FetchedItem


class FetchedFeed(msgspec.Struct, frozen=True, kw_only=True):
    title: str | None
    items: list[FetchedItem]


class FeedFetcher(Protocol):
    async def fetch(self, url: str) -> FetchedFeed:
        """The feed's entries, markup already sanitised away.

        Raises InvalidInput when the address is not a feed, UpstreamError when it failed.
        """


class TweetFetcher(Protocol):
    async def fetch(self, handle: str, since: datetime) -> FetchedFeed:
        """The handle's own posts since `since` (no retweets or replies).

        Raises InvalidInput when the handle does not exist, UpstreamError when it failed.
        """
