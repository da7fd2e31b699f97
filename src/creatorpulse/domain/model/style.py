"""A creator's own posts (their voice) and the embedded chunks retrieval works on."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, LimitReached, refuse_nul
from creatorpulse.domain.model.text import (
    character_count,
    clean_for_embedding,
    content_hash,
    count_links,
    normalise_whitespace,
    word_count,
)

POST_MIN = 50
POST_MAX = 3000
MAX_LINKS_PER_POST = 3
MAX_POSTS_PER_USER = 100
MIN_POSTS_FOR_DRAFTS = 10
EMBEDDING_DIMENSIONS = 768


def validate_style_post(raw: object, language: str | None, field: str = "content") -> str:
    """The post as stored (whitespace normalised) if it passes every rule, else InvalidInput.

    `language` is what a LanguageDetector made of the text (None when it could not tell).
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput.of(field, "required", "a post's text is required")
    refuse_nul(raw, field)
    text = normalise_whitespace(raw)
    if len(text) < POST_MIN:
        raise InvalidInput.of(field, "too_short", f"must be at least {POST_MIN} characters")
    if len(text) > POST_MAX:
        raise InvalidInput.of(field, "too_long", f"must be at most {POST_MAX} characters")
    if count_links(text) > MAX_LINKS_PER_POST:
        raise InvalidInput.of(
            field, "too_many_links", f"may contain at most {MAX_LINKS_PER_POST} links"
        )
    if language != "en":
        raise InvalidInput.of(field, "not_english", "must be written in English")
    return text


def ensure_room_for_posts(existing: int, adding: int = 1) -> None:
    if existing + adding > MAX_POSTS_PER_USER:
        raise LimitReached(
            f"a creator can keep at most {MAX_POSTS_PER_USER} style posts "
            f"(you have {existing}); remove some first",
            code="too_many_posts",
        )


class StylePost(msgspec.Struct, kw_only=True):
    id: UUID
    user_id: UUID
    content: str
    content_hash: str
    processed: bool = False
    word_count: int
    character_count: int
    created_at: datetime
    processed_at: datetime | None = None

    @classmethod
    def create(cls, *, id: UUID, user_id: UUID, content: str, now: datetime) -> StylePost:
        """`content` must already have passed validate_style_post."""
        return cls(
            id=id,
            user_id=user_id,
            content=content,
            content_hash=content_hash(content),
            word_count=word_count(content),
            character_count=character_count(content),
            created_at=now,
        )

    @property
    def embedding_text(self) -> str:
        return clean_for_embedding(self.content)

    def mark_processed(self, now: datetime) -> None:
        self.processed = True
        self.processed_at = now

    def mark_unprocessed(self) -> None:
        self.processed = False
        self.processed_at = None


class StyleChunk(msgspec.Struct, kw_only=True):
    id: UUID
    user_id: UUID
    style_post_id: UUID
    content: str
    embedding: list[float]
    created_at: datetime


class StyleMatch(msgspec.Struct, frozen=True):
    """A retrieved chunk and how close it was; `above_floor` says if it met the threshold."""

    chunk: StyleChunk
    similarity: float
    above_floor: bool
