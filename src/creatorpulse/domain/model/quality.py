"""The gate a generated draft passes before a creator ever sees it."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from functools import lru_cache

from creatorpulse.domain.model.drafts import DRAFT_MAX, DRAFT_MIN
from creatorpulse.domain.model.text import URL_PATTERN, lower_words, word_runs

COPY_RUN_WORDS = 8
NEAR_DUPLICATE_WORDS = 3
NEAR_DUPLICATE_SHARE = 0.5  # Jaccard of word trigrams with a draft of the last 14 days


class DraftRejection(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOT_ENGLISH = "not_english"
    INVENTED_LINK = "invented_link"
    COPIES_STYLE_POST = "copies_style_post"
    COPIES_ITEM = "copies_item"
    OFF_TOPIC = "off_topic"
    NEAR_DUPLICATE = "near_duplicate"


@lru_cache(maxsize=2048)  # a creator's style posts, items and recent drafts meet each draft
def copy_runs(text: str, n: int = COPY_RUN_WORDS) -> frozenset[tuple[str, ...]]:
    """The text's runs of `n` lowercased words: what the copy and near-duplicate checks compare.
    Cached, for texts that are compared again and again (not for one-off drafts)."""
    return frozenset(word_runs(lower_words(text), n))


def review_draft(
    text: str,
    *,
    language: str | None,
    item_text: str,
    item_url: str | None,
    style_posts: Iterable[str],
    key_terms: Sequence[str] = (),
    recent_drafts: Iterable[str] = (),
) -> DraftRejection | None:
    """Why the draft must not be kept, or None when it may be."""
    if len(text) < DRAFT_MIN:
        return DraftRejection.TOO_SHORT
    if len(text) > DRAFT_MAX:
        return DraftRejection.TOO_LONG
    if language != "en":
        return DraftRejection.NOT_ENGLISH
    allowed = {u.rstrip("/.,)") for u in URL_PATTERN.findall(item_text)}
    if item_url:
        allowed.add(item_url.rstrip("/"))
    if any(u.rstrip("/.,)") not in allowed for u in URL_PATTERN.findall(text)):
        return DraftRejection.INVENTED_LINK
    mine = copy_runs(text)
    if any(mine & copy_runs(post) for post in style_posts):
        return DraftRejection.COPIES_STYLE_POST
    if len(mine & copy_runs(item_text)) > 2:  # a short quote is fine; paragraphs are not
        return DraftRejection.COPIES_ITEM
    lowered = text.lower()
    if key_terms and not any(term in lowered for term in key_terms[:6]):
        return DraftRejection.OFF_TOPIC
    trigrams = copy_runs(text, NEAR_DUPLICATE_WORDS)
    for earlier in recent_drafts:
        theirs = copy_runs(earlier, NEAR_DUPLICATE_WORDS)
        overlap = len(trigrams & theirs) / max(len(trigrams | theirs), 1)
        if overlap > NEAR_DUPLICATE_SHARE:
            return DraftRejection.NEAR_DUPLICATE
    return None
