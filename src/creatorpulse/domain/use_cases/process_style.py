"""Turning style posts into embedded chunks that retrieval can search."""

from __future__ import annotations

from uuid import UUID

import msgspec

from creatorpulse.domain.model.style import StyleChunk
from creatorpulse.domain.model.text import chunk
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.embedder import Embedder
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.storage import UnitOfWorkFactory


class StyleProgress(msgspec.Struct, kw_only=True):
    total_posts: int
    processed_posts: int
    chunks: int


class ProcessStylePosts:
    def __init__(
        self, uow: UnitOfWorkFactory, embedder: Embedder, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow, self._embedder, self._clock, self._ids = uow, embedder, clock, ids

    async def __call__(self, user_id: UUID, *, retrain: bool = False) -> StyleProgress:
        async with self._uow.for_user(user_id) as tx:
            posts = await tx.style_posts.list_for_user(user_id)
        todo = [p for p in posts if retrain or not p.processed]
        pieces = [(post, part) for post in todo for part in chunk(post.embedding_text)]
        # One call: the embedder batches (≤100 texts a request) and we hold no transaction.
        vectors = await self._embedder.embed_documents([part for _, part in pieces])
        now = self._clock.now()
        by_post: dict[UUID, list[StyleChunk]] = {post.id: [] for post in todo}
        for (post, part), vector in zip(pieces, vectors, strict=True):
            by_post[post.id].append(
                StyleChunk(
                    id=self._ids.new_id(),
                    user_id=user_id,
                    style_post_id=post.id,
                    content=part,
                    embedding=vector,
                    created_at=now,
                )
            )
        async with self._uow.for_user(user_id) as tx:
            for post in todo:
                current = await tx.style_posts.get(post.id)
                if current is None:  # deleted meanwhile
                    continue
                await tx.style_chunks.replace_for_post(post.id, by_post[post.id])
                current.mark_processed(now)
                await tx.style_posts.update(current)
            processed = await tx.style_posts.count_processed(user_id)
            total = await tx.style_posts.count_for_user(user_id)
            chunks = await tx.style_chunks.count_for_user(user_id)
            await tx.commit()
        return StyleProgress(total_posts=total, processed_posts=processed, chunks=chunks)
