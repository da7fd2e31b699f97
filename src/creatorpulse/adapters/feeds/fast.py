"""The fast path: fastfeedparser (lxml, entities never resolved) mapped to clean entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import fastfeedparser

from creatorpulse.adapters.feeds.dates import from_iso
from creatorpulse.adapters.feeds.sanitize import html_to_text, safe_link
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.ports.feeds import FetchedFeed


def parse_fast(data: bytes, base_url: str | None, now: datetime) -> FetchedFeed | None:
    """The feed, or None when fastfeedparser cannot read it (feedparser gets a turn then)."""
    try:
        parsed = fastfeedparser.parse(
            data, include_tags=False, include_media=True, include_enclosures=False
        )
    except Exception:  # any failure of the fast path only means the careful path decides
        return None
    items = [_item(entry, base_url, now) for entry in parsed.get("entries") or []]
    feed = parsed.get("feed") or {}
    title = html_to_text(_text(feed.get("title"))).strip() or None
    return FetchedFeed(title=title, items=items)


def entry_body(entry: Any) -> str:
    """The markup an entry's text comes from: the longest of its bodies."""
    bodies = [_text(c.get("value")) for c in entry.get("content") or [] if isinstance(c, dict)]
    body = max([*bodies, _text(entry.get("description"))], key=len)
    if not body.strip():  # YouTube and other media feeds: the text is the media description
        media = [m for m in entry.get("media_content") or [] if isinstance(m, dict)]
        body = max([body, *(_text(m.get("description")) for m in media)], key=len)
    return body


def _item(entry: Any, base_url: str | None, now: datetime) -> FetchedItem:
    return FetchedItem(
        title=html_to_text(_text(entry.get("title"))).strip() or None,
        content=html_to_text(entry_body(entry)),
        url=safe_link(entry.get("link"), base_url),
        published_at=from_iso(entry.get("published") or entry.get("updated"), now),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
