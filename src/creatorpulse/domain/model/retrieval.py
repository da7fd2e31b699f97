"""Choosing what to write about and which of the creator's passages to imitate."""

from __future__ import annotations

from collections.abc import Sequence

from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.style import StyleChunk, StyleMatch
from creatorpulse.domain.model.text import content_hash

DEFAULT_SIMILARITY_FLOOR = 0.7
EXAMPLES_PER_ITEM = 5


def select_examples(
    nearest: Sequence[tuple[StyleChunk, float]],
    floor: float = DEFAULT_SIMILARITY_FLOOR,
    k: int = EXAMPLES_PER_ITEM,
) -> list[StyleMatch]:
    """Top `k` chunks at or above `floor`; when fewer pass, the nearest others fill up."""
    ranked = sorted(nearest, key=lambda pair: pair[1], reverse=True)
    above = [StyleMatch(c, s, True) for c, s in ranked if s >= floor]
    below = [StyleMatch(c, s, False) for c, s in ranked if s < floor]
    return (above + below)[:k]


def choose_items(items: Sequence[SourceItem], limit: int) -> list[SourceItem]:
    """Newest first, one per story: items whose titles or texts match are the same story."""
    chosen: list[SourceItem] = []
    seen: set[str] = set()
    for item in sorted(items, key=lambda i: (i.published_at, i.created_at), reverse=True):
        keys = {item.content_hash}
        if item.title:
            keys.add(content_hash(item.title))
        if keys & seen:
            continue
        seen |= keys
        chosen.append(item)
        if len(chosen) == limit:
            break
    return chosen
