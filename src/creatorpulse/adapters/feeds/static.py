"""A FeedFetcher over documents held in memory: the offline demo and embedders' own catalogues."""

from __future__ import annotations

from collections.abc import Mapping

from creatorpulse.adapters.feeds.parse import parse_feed
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.feeds import FeedFetcher, FetchedFeed


class StaticFeedFetcher(FeedFetcher):
    def __init__(self, documents: Mapping[str, bytes]) -> None:
        self._documents = dict(documents)

    def publish(self, url: str, document: bytes) -> None:
        self._documents[url] = document

    async def fetch(self, url: str) -> FetchedFeed:
        document = self._documents.get(url)
        if document is None:
            raise UpstreamError(f"{url} answered 404 Not Found", code="http_404")
        return parse_feed(document)
