"""RSS/Atom bytes -> clean entries. feedparser is always handed bytes (never a URL or path)."""

from __future__ import annotations

import calendar
import html
import re
from datetime import UTC, datetime
from typing import Any

import feedparser
import nh3

from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.ports.feeds import FetchedFeed

_BLOCK_END = re.compile(r"(?i)</(?:p|div|li|h[1-6]|blockquote|pre|tr)>|<br\s*/?>")


def html_to_text(markup: str) -> str:
    """Visible text only: every tag dropped by nh3, block ends kept as line breaks."""
    marked = _BLOCK_END.sub("\n\n", markup)
    stripped = nh3.clean(marked, tags=set(), attributes={}, strip_comments=True)
    return html.unescape(stripped)


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    longest = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return longest if len(longest) > len(summary) else summary


def _link(entry: Any) -> str | None:
    link = entry.get("link")
    if isinstance(link, str) and link.lower().startswith(("http://", "https://")):
        return link
    return None


def parse_feed(data: bytes) -> FetchedFeed:
    """Raises InvalidInput when the bytes are not an RSS or Atom feed (an HTML page, say)."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version"):
        raise InvalidInput.of(
            "url", "not_a_feed", "this address does not serve an RSS or Atom feed"
        )
    items = []
    for entry in parsed.entries:
        text = html_to_text(_body(entry))
        title = html_to_text(entry.get("title", "") or "").strip() or None
        items.append(
            FetchedItem(title=title, content=text, url=_link(entry), published_at=_published(entry))
        )
    title = html_to_text(parsed.feed.get("title", "") or "").strip() or None
    return FetchedFeed(title=title, items=items)
