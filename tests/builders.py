"""Entities with sensible defaults, so each test says only what matters to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from uuid import UUID

from creatorpulse.domain.model.drafts import Draft
from creatorpulse.domain.model.items import FetchedItem, SourceItem
from creatorpulse.domain.model.sources import Source, SourceType
from creatorpulse.domain.model.style import StyleChunk, StylePost
from creatorpulse.domain.model.users import User

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def make_user(email: str | None = None, **over: object) -> User:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "email": email or f"user-{uuid.uuid4().hex[:8]}@example.com",
        "password_hash": "x",
        "timezone": "UTC",
        "delivery_time": time(8),
        "email_verified": True,
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(over)
    return User(**fields)  # type: ignore[arg-type]


def make_source(user_id: UUID, url: str = "https://example.com/feed.xml", **over: object) -> Source:
    fields: dict[str, object] = {
        "id": uuid.uuid4(), "user_id": user_id, "type": SourceType.RSS, "url": url,
        "name": "Example", "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    fields.update(over)
    return Source(**fields)  # type: ignore[arg-type]


def make_post(user_id: UUID, content: str | None = None) -> StylePost:
    text = content or f"A post about shipping software calmly, number {uuid.uuid4().hex}."
    return StylePost.create(id=uuid.uuid4(), user_id=user_id, content=text, now=NOW)


def make_chunk(user_id: UUID, post_id: UUID, embedding: list[float]) -> StyleChunk:
    return StyleChunk(
        id=uuid.uuid4(), user_id=user_id, style_post_id=post_id, content="chunk",
        embedding=embedding, created_at=NOW,
    )  # fmt: skip


def make_item(source: Source, content: str = "Some news about databases today.") -> SourceItem:
    return SourceItem.create(
        id=uuid.uuid4(), source_id=source.id, user_id=source.user_id,
        item=FetchedItem(title="News", content=content), content=content, now=NOW,
    )  # fmt: skip


def make_draft(user_id: UUID, **over: object) -> Draft:
    text = "A draft that is comfortably long enough to pass the fifty character rule."
    draft = Draft.create(
        id=uuid.uuid4(), user_id=user_id, content=text,
        source_item_id=None, source_name="Example", engagement_score=5.0, metadata={}, now=NOW,
    )  # fmt: skip
    for key, value in over.items():
        setattr(draft, key, value)
    return draft
