"""The careful path: feedparser, for what the fast path gets wrong (media descriptions,
XHTML bodies, base64 content, odd encodings). Always handed bytes, never a URL or path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import feedparser

from creatorpulse.adapters.feeds.dates import from_struct
from creatorpulse.adapters.feeds.sanitize import html_to_text, safe_link
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.ports.feeds import FetchedFeed


def parse_classic(data: bytes, base_url: str | None, now: datetime) -> FetchedFeed | None:
    """The feed, or None when feedparser does not recognise RSS, Atom or RDF in the bytes."""
    parsed = feedparser.parse(bytes(data), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version"):
        return None
    items = [_item(entry, base_url, now) for entry in parsed.entries]
    title = html_to_text(_text(parsed.feed.get("title"))).strip() or None
    return FetchedFeed(title=title, items=items)


def _item(entry: Any, base_url: str | None, now: datetime) -> FetchedItem:
    bodies = [_text(c.get("value")) for c in entry.get("content") or []]
    body = max([*bodies, _text(entry.get("summary"))], key=len)
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return FetchedItem(
        title=html_to_text(_text(entry.get("title"))).strip() or None,
        content=html_to_text(body),
        url=safe_link(entry.get("link"), base_url),
        published_at=from_struct(published, now),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
