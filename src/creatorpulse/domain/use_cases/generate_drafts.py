"""A creator's drafts for today: pick items, retrieve their voice, write, gate, score, keep."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from creatorpulse.domain.model.drafts import (
    EMAILED_RECENTLY,
    MAX_DRAFTS,
    RECENT_ITEMS,
    Draft,
    DraftStatus,
)
from creatorpulse.domain.model.errors import InvalidInput, NotFound
from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.quality import review_draft
from creatorpulse.domain.model.retrieval import (
    DEFAULT_SIMILARITY_FLOOR,
    choose_items,
    select_examples,
)
from creatorpulse.domain.model.schedule import local_date
from creatorpulse.domain.model.scoring import score_draft
from creatorpulse.domain.model.style import MIN_POSTS_FOR_DRAFTS, StyleMatch
from creatorpulse.domain.model.voice import StyleProfile
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.embedder import Embedder
from creatorpulse.ports.generator import DraftBrief, DraftGenerator, ItemBrief
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory

CANDIDATE_CHUNKS = 20


class GenerationOutcome(msgspec.Struct, kw_only=True):
    drafts: list[Draft]
    skipped: str | None = None  # why nothing was generated, when nothing was
    rejected: dict[str, str] = msgspec.field(default_factory=dict)  # item id -> reason


class GenerateDrafts:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        embedder: Embedder,
        generator: DraftGenerator,
        clock: Clock,
        ids: IdGenerator,
        language: LanguageDetector,
        similarity_floor: float = DEFAULT_SIMILARITY_FLOOR,
    ) -> None:
        self._uow, self._embedder, self._generator = uow, embedder, generator
        self._clock, self._ids, self._language = clock, ids, language
        self._floor = similarity_floor

    async def __call__(self, user_id: UUID, *, force: bool = False) -> GenerationOutcome:
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            user = await tx.users.get(user_id)
            if user is None or not user.active:
                raise NotFound("user not found")
            trained = await tx.style_posts.count_processed(user_id)
            if trained < MIN_POSTS_FOR_DRAFTS:
                raise InvalidInput.of(
                    "style_posts",
                    "insufficient_style_training",
                    f"drafts need at least {MIN_POSTS_FOR_DRAFTS} processed style posts; "
                    f"you have {trained}",
                )
            if not force:
                skipped = await self._reason_to_wait(tx, user_id, user.timezone, now)
                if skipped:
                    return GenerationOutcome(drafts=[], skipped=skipped)
            items = choose_items(
                await tx.items.list_recent(user_id, now - RECENT_ITEMS), MAX_DRAFTS
            )
            if not items:
                raise InvalidInput.of(
                    "sources",
                    "no_recent_content",
                    "your sources published nothing usable in the last 24 hours",
                )
            posts = [p.content for p in await tx.style_posts.list_for_user(user_id)]
            recent = await tx.drafts.list_since(user_id, now - 30 * RECENT_ITEMS)
            names = {s.id: s.name for s in await tx.sources.list_for_user(user_id)}
        liked = [d.content for d in recent if d.status is DraftStatus.APPROVED][:3]
        profile = StyleProfile.from_posts(posts)
        examples = await self._examples(user_id, items)
        brief = DraftBrief(
            profile=profile,
            liked_drafts=liked,
            own_posts=posts,
            items=[
                ItemBrief(
                    item_id=item.id,
                    title=item.title,
                    content=item.content,
                    url=item.url,
                    source_name=None,
                    examples=[m.chunk.content for m in examples[item.id]],
                )
                for item in items
            ],
        )
        result = await self._generator.write(brief)
        by_id = {item.id: item for item in items}
        drafts: list[Draft] = []
        rejected: dict[str, str] = {}
        async with self._uow.for_user(user_id) as tx:
            for written in result.drafts:
                item = by_id.get(written.item_id)
                if item is None:
                    continue
                reason = review_draft(
                    written.content.strip(),
                    language=self._language.detect(written.content),
                    item_text=item.content,
                    item_url=item.url,
                    style_posts=posts,
                )
                if reason is not None:
                    rejected[str(item.id)] = reason
                    continue
                score = score_draft(written.content, profile)
                metadata: dict[str, Any] = {
                    "source_item_id": str(item.id),
                    "source_url": item.url,
                    "model": result.model,
                    "parameters": result.parameters,
                    "usage": result.usage,
                    "style_examples": [_describe(m) for m in examples[item.id]],
                    "similarity_floor": self._floor,
                    "score": {"features": score.features, "weights": score.weights},
                }
                draft = Draft.create(
                    id=self._ids.new_id(),
                    user_id=user_id,
                    content=written.content,
                    source_item_id=item.id,
                    source_name=names.get(item.source_id),
                    engagement_score=score.score,
                    metadata=metadata,
                    now=now,
                )
                await tx.drafts.add(draft)
                drafts.append(draft)
            await tx.items.mark_processed([i.id for i in items])
            await tx.commit()
        return GenerationOutcome(drafts=drafts, rejected=rejected)

    async def _reason_to_wait(
        self, tx: UnitOfWork, user_id: UUID, zone: str, now: datetime
    ) -> str | None:
        last = await tx.deliveries.last_sent_daily(user_id)
        if last is not None and last.sent_at and last.sent_at > now - EMAILED_RECENTLY:
            return "emailed_recently"
        today = local_date(now, zone)
        drafts = await tx.drafts.list_since(user_id, now - RECENT_ITEMS)
        if any(local_date(d.created_at, zone) == today and not d.email_sent_at for d in drafts):
            return "already_generated_today"
        return None

    async def _examples(
        self, user_id: UUID, items: list[SourceItem]
    ) -> dict[UUID, list[StyleMatch]]:
        vectors = await self._embedder.embed_queries([_query_text(i) for i in items])
        found: dict[UUID, list[StyleMatch]] = {}
        async with self._uow.for_user(user_id) as tx:
            for item, vector in zip(items, vectors, strict=True):
                nearest = await tx.style_chunks.nearest(user_id, vector, CANDIDATE_CHUNKS)
                found[item.id] = select_examples(nearest, self._floor)
        return found


def _query_text(item: SourceItem) -> str:
    return f"{item.title}\n\n{item.content}" if item.title else item.content


def _describe(match: StyleMatch) -> dict[str, Any]:
    return {
        "chunk_id": str(match.chunk.id),
        "style_post_id": str(match.chunk.style_post_id),
        "similarity": round(match.similarity, 4),
        "above_floor": match.above_floor,
    }
