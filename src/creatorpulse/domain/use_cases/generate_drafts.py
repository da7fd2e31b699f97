"""A creator's drafts for today: rank fresh items for them, retrieve their voice, write, gate,
score, keep — and explain every choice in the draft's metadata."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from creatorpulse.domain.model.drafts import (
    EMAILED_RECENTLY,
    MAX_DRAFTS,
    MIN_DRAFTS,
    RECENT_ITEMS,
    Draft,
    DraftStatus,
)
from creatorpulse.domain.model.errors import InvalidInput, NotFound
from creatorpulse.domain.model.formats import format_features
from creatorpulse.domain.model.preferences import Preferences
from creatorpulse.domain.model.quality import review_draft
from creatorpulse.domain.model.ranking import Candidate, Ranked, diversify, score_candidate
from creatorpulse.domain.model.retrieval import DEFAULT_SIMILARITY_FLOOR, select_examples
from creatorpulse.domain.model.schedule import local_date
from creatorpulse.domain.model.scoring import score_draft
from creatorpulse.domain.model.style import MIN_POSTS_FOR_DRAFTS, StyleMatch
from creatorpulse.domain.model.topics import key_terms
from creatorpulse.domain.model.voice import StyleProfile
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.embedder import Embedder
from creatorpulse.ports.generator import DraftBrief, DraftGenerator, GeneratedDraft, ItemBrief
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory

CANDIDATE_CHUNKS = 20
MAX_CANDIDATES = 30
LEARNING_WINDOW = timedelta(days=90)
DUPLICATE_WINDOW = timedelta(days=14)


class GenerationOutcome(msgspec.Struct, kw_only=True):
    drafts: list[Draft]
    skipped: str | None = None  # why nothing was generated, when nothing was
    rejected: dict[str, str] = msgspec.field(default_factory=dict)  # item id -> reason
    notes: list[str] = msgspec.field(default_factory=list)  # why fewer than 3, when fewer


class _Context(msgspec.Struct, kw_only=True):
    items: list[Any]
    posts: list[str]
    names: dict[UUID, str]
    liked: list[Draft]
    recent_texts: list[str]
    preferences: Preferences


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
        loaded = await self._load(user_id, force, now)
        if isinstance(loaded, GenerationOutcome):
            return loaded
        profile = StyleProfile.from_posts(loaded.posts)
        candidates, matches = await self._candidates(user_id, loaded)
        chosen = diversify(
            [score_candidate(c, loaded.preferences, now) for c in candidates], MAX_DRAFTS
        )
        written, model = await self._write(loaded, profile, chosen, matches)
        return await self._keep(user_id, now, loaded, profile, chosen, matches, written, model)

    async def _load(
        self, user_id: UUID, force: bool, now: datetime
    ) -> _Context | GenerationOutcome:
        async with self._uow.for_user(user_id, read_only=True) as tx:
            user = await tx.users.get(user_id)
            if user is None or not user.active:
                raise NotFound("user not found")
            # The posts are the writer's too: read once, counted here (one statement fewer).
            own_posts = await tx.style_posts.list_for_user(user_id)
            trained = sum(1 for p in own_posts if p.processed)
            if trained < MIN_POSTS_FOR_DRAFTS:
                raise InvalidInput.of(
                    "style_posts", "insufficient_style_training",
                    f"drafts need at least {MIN_POSTS_FOR_DRAFTS} processed style posts; "
                    f"you have {trained}",
                )  # fmt: skip
            # Every vote of the learning window, and the recent drafts (the duplicate check's,
            # which include today's): not the window's unvoted rest, ~450 rows by day 90.
            history = await tx.drafts.list_since(
                user_id, now - LEARNING_WINDOW, pending_since=now - DUPLICATE_WINDOW
            )
            skipped = (
                None
                if force
                else await self._reason_to_wait(tx, user_id, user.timezone, now, history)
            )
            if skipped:
                return GenerationOutcome(drafts=[], skipped=skipped)
            items = await tx.items.list_recent(user_id, now - RECENT_ITEMS)
            if not items:
                raise InvalidInput.of(
                    "sources", "no_recent_content",
                    "your sources published nothing usable in the last 24 hours",
                )  # fmt: skip
            posts = [p.content for p in own_posts]
            names = {s.id: s.name for s in await tx.sources.list_for_user(user_id)}
        return _Context(
            items=items, posts=posts, names=names,
            liked=[d for d in history if d.status is DraftStatus.APPROVED][:5],
            recent_texts=[d.content for d in history if d.created_at >= now - DUPLICATE_WINDOW],
            preferences=Preferences.from_drafts(history),
        )  # fmt: skip

    async def _candidates(
        self, user_id: UUID, ctx: _Context
    ) -> tuple[list[Candidate], dict[UUID, list[StyleMatch]]]:
        items = sorted(ctx.items, key=lambda i: (i.published_at, str(i.id)), reverse=True)
        items = items[:MAX_CANDIDATES]
        texts = [f"{i.title}\n\n{i.content}" if i.title else i.content for i in items]
        vectors = await self._embedder.embed_queries(texts + [d.content for d in ctx.liked])
        liked_vectors = vectors[len(items) :]
        async with self._uow.for_user(user_id, read_only=True) as tx:
            neighbours = await tx.style_chunks.nearest_each(
                user_id, vectors[: len(items)], CANDIDATE_CHUNKS
            )
        candidates, matches = [], {}
        for item, vector, nearest in zip(items, vectors, neighbours, strict=False):
            matches[item.id] = select_examples(nearest, self._floor)
            own = [s for _, s in nearest[:3]]
            liked = [sum(a * b for a, b in zip(vector, v, strict=True)) for v in liked_vectors]
            relevance = max(sum(own) / max(len(own), 1), max(liked, default=0.0))
            candidates.append(
                Candidate(
                    item=item, vector=vector, relevance=relevance,
                    terms=key_terms(item.content, item.title),
                )
            )  # fmt: skip
        return candidates, matches

    async def _write(
        self, ctx: _Context, profile: StyleProfile, chosen: list[Ranked],
        matches: dict[UUID, list[StyleMatch]],
    ) -> tuple[list[GeneratedDraft], Any]:  # fmt: skip
        brief = DraftBrief(
            profile=profile, liked_drafts=[d.content for d in ctx.liked[:3]], own_posts=ctx.posts,
            format_preferences=(
                ctx.preferences.format_weights if ctx.preferences.knows_format() else {}
            ),
            items=[
                ItemBrief(
                    item_id=r.candidate.item.id, title=r.candidate.item.title,
                    content=r.candidate.item.content, url=r.candidate.item.url,
                    source_name=ctx.names.get(r.candidate.item.source_id),
                    examples=[m.chunk.content for m in matches[r.candidate.item.id]],
                )
                for r in chosen
            ],
        )  # fmt: skip
        result = await self._generator.write(brief) if chosen else None
        return (result.drafts if result else []), result

    async def _keep(
        self, user_id: UUID, now: datetime, ctx: _Context, profile: StyleProfile,
        chosen: list[Ranked], matches: dict[UUID, list[StyleMatch]],
        written: list[GeneratedDraft], result: Any,
    ) -> GenerationOutcome:  # fmt: skip
        by_id = {r.candidate.item.id: r for r in chosen}
        drafts: list[Draft] = []
        rejected: dict[str, str] = {}
        async with self._uow.for_user(user_id) as tx:
            for text in written:
                ranked = by_id.get(text.item_id)
                if ranked is None or any(d.source_item_id == text.item_id for d in drafts):
                    continue
                item, terms = ranked.candidate.item, ranked.candidate.terms
                reason = review_draft(
                    text.content.strip(), language=self._language.detect(text.content),
                    item_text=item.content, item_url=item.url, style_posts=ctx.posts,
                    key_terms=terms, recent_drafts=ctx.recent_texts + [d.content for d in drafts],
                )  # fmt: skip
                if reason is not None:
                    rejected[str(item.id)] = reason
                    continue
                score = score_draft(text.content, profile, ctx.preferences)
                metadata = _metadata(text.content, ranked, matches[item.id], score, result, ctx)
                metadata["similarity_floor"] = self._floor
                draft = Draft.create(
                    id=self._ids.new_id(), user_id=user_id, content=text.content,
                    source_item_id=item.id, source_name=ctx.names.get(item.source_id),
                    engagement_score=score.score, metadata=metadata, now=now,
                )  # fmt: skip
                drafts.append(draft)
            await tx.drafts.add(*drafts)
            await tx.items.mark_processed([r.candidate.item.id for r in chosen])
            await tx.commit()
        return GenerationOutcome(
            drafts=drafts, rejected=rejected, notes=_notes(len(ctx.items), chosen, rejected)
        )

    async def _reason_to_wait(
        self, tx: UnitOfWork, user_id: UUID, zone: str, now: datetime, history: list[Draft]
    ) -> str | None:
        last = await tx.deliveries.last_sent_daily(user_id)
        if last is not None and last.sent_at and last.sent_at > now - EMAILED_RECENTLY:
            return "emailed_recently"
        today = local_date(now, zone)
        drafts = [d for d in history if d.created_at >= now - RECENT_ITEMS]
        if any(local_date(d.created_at, zone) == today and not d.email_sent_at for d in drafts):
            return "already_generated_today"
        return None


def _metadata(
    text: str, ranked: Ranked, examples: list[StyleMatch], score: Any, result: Any,
    ctx: _Context,
) -> dict[str, Any]:  # fmt: skip
    item, terms = ranked.candidate.item, ranked.candidate.terms
    return {
        "source_item_id": str(item.id),
        "source_id": str(item.source_id),
        "source_url": item.url,
        "terms": terms,
        "ranking": ranked.explain,
        "model": result.model,
        "parameters": result.parameters,
        "usage": result.usage,
        "style_examples": [_example(m) for m in examples],
        "liked_examples": [str(d.id) for d in ctx.liked[:3]],
        "format": format_features(text),
        "score": {"features": score.features, "weights": score.weights, "learned": score.learned},
        "preferences": {"votes": ctx.preferences.votes, "liked": ctx.preferences.liked},
    }


def _example(match: StyleMatch) -> dict[str, Any]:
    return {
        "chunk_id": str(match.chunk.id),
        "style_post_id": str(match.chunk.style_post_id),
        "similarity": round(match.similarity, 4),
        "above_floor": match.above_floor,
    }


def _notes(available: int, chosen: list[Ranked], rejected: dict[str, str]) -> list[str]:
    notes = []
    if len(chosen) < MIN_DRAFTS:
        notes.append(f"only {len(chosen)} distinct stories among {available} fresh items")
    if rejected:
        notes.append(f"{len(rejected)} drafts failed the quality gate: " + ", ".join(
            sorted(set(rejected.values()))))  # fmt: skip
    return notes
