"""Finding the feed an HTML page advertises with <link rel="alternate" type="...rss/atom...">."""

from __future__ import annotations

from html.parser import HTMLParser

from creatorpulse.adapters.feeds.sanitize import safe_link

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})
HEAD_BYTES = 512 * 1024


class _AlternateFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link" or self.href is not None:
            return
        found = {name.lower(): (value or "") for name, value in attrs}
        rels = found.get("rel", "").lower().split()
        kind = found.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and found.get("href"):
            self.href = found["href"]


def advertised_feed(page: bytes, page_url: str) -> str | None:
    """The absolute http(s) address of the first feed the page links to, if any."""
    finder = _AlternateFinder()
    finder.feed(page[:HEAD_BYTES].decode("utf-8", errors="replace"))
    return safe_link(finder.href, page_url) if finder.href else None
