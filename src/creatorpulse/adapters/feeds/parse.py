"""RSS/Atom/JSON Feed bytes -> clean entries: fast parser first, feedparser where it is wrong."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from creatorpulse.adapters.feeds.classic import parse_classic
from creatorpulse.adapters.feeds.fast import parse_fast
from creatorpulse.adapters.feeds.sanitize import html_to_text
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.ports.feeds import FetchedFeed

__all__ = ["html_to_text", "parse_feed", "ttl_seconds"]

# UTF-8 read as Latin-1/cp1252 ("Ã©", "â€™"): the fast parser's tell of a missed encoding.
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€")
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.IGNORECASE)
NOT_A_FEED = "this address does not serve an RSS or Atom feed"


def parse_feed(
    data: bytes, *, base_url: str | None = None, now: datetime | None = None
) -> FetchedFeed:
    """Raises InvalidInput when the bytes are not an RSS or Atom feed (an HTML page, say)."""
    now = now or datetime.now(UTC)
    feed = parse_fast(data, base_url, now)
    if feed is None or _doubtful(feed):
        feed = parse_classic(data, base_url, now) or feed
    if feed is None:
        raise InvalidInput.of("url", "not_a_feed", NOT_A_FEED)
    return feed


def _doubtful(feed: FetchedFeed) -> bool:
    """Signs that fastfeedparser missed what feedparser finds (measured on the real corpus)."""
    empty = sum(1 for item in feed.items if not item.content.strip())
    if feed.items and empty * 2 > len(feed.items):
        return True
    texts = (feed.title or "", *(f"{i.title or ''} {i.content[:500]}" for i in feed.items[:20]))
    return any(_MOJIBAKE.search(text) for text in texts)


def ttl_seconds(data: bytes) -> float | None:
    """RSS <ttl> (minutes) as seconds, read from the head of the document."""
    match = _TTL.search(data[:65536])
    return float(match.group(1)) * 60 if match else None
