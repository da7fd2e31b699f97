from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

import msgspec

from creatorpulse.domain.model.voice import StyleProfile


class ItemBrief(msgspec.Struct, frozen=True, kw_only=True):
    """One item to write about, with the creator's passages closest to it."""

    item_id: UUID
    title: str | None
    content: str
    url: str | None
    source_name: str | None
    examples: list[str]


class DraftBrief(msgspec.Struct, frozen=True, kw_only=True):
    """Everything needed to write one creator's drafts in one call."""

    profile: StyleProfile
    items: list[ItemBrief]
    liked_drafts: list[str] = msgspec.field(default_factory=list)
    # All of the creator's posts: a draft must not repeat 8+ words of any of them.
    own_posts: list[str] = msgspec.field(default_factory=list)
    # Learned from votes: format feature -> weight (> 0 more of it, < 0 less), see formats.py.
    format_preferences: dict[str, float] = msgspec.field(default_factory=dict)
    max_chars: int = 3000


class GeneratedDraft(msgspec.Struct, frozen=True):
    item_id: UUID
    content: str


class GenerationResult(msgspec.Struct, frozen=True, kw_only=True):
    drafts: list[GeneratedDraft]
    model: str
    parameters: dict[str, Any]
    usage: dict[str, int] = msgspec.field(default_factory=dict)


class DraftGenerator(Protocol):
    async def write(self, brief: DraftBrief) -> GenerationResult:
        """One draft per item of the brief (fewer if the model failed some)."""
