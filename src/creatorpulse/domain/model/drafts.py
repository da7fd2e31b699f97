"""Drafts we write for a creator, their lifecycle, and the one vote each can carry."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, parse_choice
from creatorpulse.domain.model.text import character_count, normalise_whitespace

DRAFT_MIN = 50
DRAFT_MAX = 3000
MIN_DRAFTS = 3
MAX_DRAFTS = 5
DRAFT_EXPIRY = timedelta(days=30)
RECENT_ITEMS = timedelta(hours=24)
EMAILED_RECENTLY = timedelta(hours=20)


class DraftStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class FeedbackType(enum.StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"

    @property
    def resulting_status(self) -> DraftStatus:
        return DraftStatus.APPROVED if self is FeedbackType.POSITIVE else DraftStatus.REJECTED


class FeedbackSource(enum.StrEnum):
    EMAIL = "email"
    DASHBOARD = "dashboard"


def parse_feedback_type(raw: object, field: str = "feedback_type") -> FeedbackType:
    return parse_choice(FeedbackType, raw, field)


def validate_draft_text(raw: str, field: str = "content") -> str:
    text = normalise_whitespace(raw)
    if len(text) < DRAFT_MIN:
        raise InvalidInput.of(field, "too_short", f"must be at least {DRAFT_MIN} characters")
    if len(text) > DRAFT_MAX:
        raise InvalidInput.of(field, "too_long", f"must be at most {DRAFT_MAX} characters")
    return text


def validate_score(raw: float, field: str = "engagement_score") -> float:
    if not 0.0 <= raw <= 10.0:
        raise InvalidInput.of(field, "out_of_range", "must be between 0.0 and 10.0")
    return round(raw, 1)


class DraftStamp(msgspec.Struct, frozen=True, kw_only=True):
    """When a draft was written and emailed: all a sweep needs of it."""

    user_id: UUID
    created_at: datetime
    email_sent_at: datetime | None


class DraftSummary(msgspec.Struct, kw_only=True):
    """A draft as a list of drafts shows it: all but its generation record (`metadata`, 1-3 KB
    of JSON that only the explanation of one draft reads) and its feedback token's hash."""

    id: UUID
    user_id: UUID
    content: str
    source_item_id: UUID | None
    source_name: str | None
    status: DraftStatus
    email_sent_at: datetime | None
    character_count: int
    engagement_score: float
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, draft: Draft) -> DraftSummary:
        return cls(
            id=draft.id, user_id=draft.user_id, content=draft.content,
            source_item_id=draft.source_item_id, source_name=draft.source_name,
            status=draft.status, email_sent_at=draft.email_sent_at,
            character_count=draft.character_count, engagement_score=draft.engagement_score,
            created_at=draft.created_at, updated_at=draft.updated_at,
        )  # fmt: skip


class Draft(msgspec.Struct, kw_only=True):
    id: UUID
    user_id: UUID
    content: str
    source_item_id: UUID | None
    source_name: str | None
    status: DraftStatus = DraftStatus.PENDING
    feedback_token_hash: str | None = None
    email_sent_at: datetime | None = None
    character_count: int
    engagement_score: float
    metadata: dict[str, Any] = msgspec.field(default_factory=dict)
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        user_id: UUID,
        content: str,
        source_item_id: UUID | None,
        source_name: str | None,
        engagement_score: float,
        metadata: dict[str, Any],
        now: datetime,
    ) -> Draft:
        text = validate_draft_text(content)
        return cls(
            id=id,
            user_id=user_id,
            content=text,
            source_item_id=source_item_id,
            source_name=source_name,
            character_count=character_count(text),
            engagement_score=validate_score(engagement_score),
            metadata=metadata,
            created_at=now,
            updated_at=now,
        )

    def apply_vote(self, vote: FeedbackType, now: datetime) -> None:
        """pending -> approved|rejected; a later vote replaces the earlier one."""
        self.status = vote.resulting_status
        self.updated_at = now

    def attach_feedback_token(self, token_hash: str, now: datetime) -> None:
        self.feedback_token_hash = token_hash
        self.updated_at = now

    def mark_emailed(self, now: datetime) -> None:
        self.email_sent_at = now
        self.updated_at = now

    def feedback_open(self, now: datetime) -> bool:
        return self.created_at + DRAFT_EXPIRY > now

    def is_expired(self, now: datetime) -> bool:
        """Drafts nobody voted on are dropped after 30 days."""
        return self.status is DraftStatus.PENDING and not self.feedback_open(now)


class Feedback(msgspec.Struct, kw_only=True):
    """The single vote on a draft; recording again replaces it (upsert)."""

    id: UUID
    draft_id: UUID
    user_id: UUID
    feedback_type: FeedbackType
    feedback_source: FeedbackSource
    created_at: datetime
    updated_at: datetime

    def replace(self, vote: FeedbackType, source: FeedbackSource, now: datetime) -> None:
        self.feedback_type = vote
        self.feedback_source = source
        self.updated_at = now
