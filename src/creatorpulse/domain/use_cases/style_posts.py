"""Adding, listing and removing a creator's own posts (the samples of their voice)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, NotFound, ValidationIssue
from creatorpulse.domain.model.style import StylePost, ensure_room_for_posts, validate_style_post
from creatorpulse.domain.model.text import content_hash
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWorkFactory


class StyleUploadReport(msgspec.Struct, kw_only=True):
    added: list[UUID]
    rejected: list[ValidationIssue]  # field is "posts[i]"
    duplicates: list[int]


class AddStylePosts:
    """Validate every post; store the valid, new ones; report the rest by index."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, language: LanguageDetector
    ) -> None:
        self._uow, self._clock, self._ids, self._language = uow, clock, ids, language

    async def __call__(self, user_id: UUID, posts: Sequence[object]) -> StyleUploadReport:
        if not posts:
            raise InvalidInput.of("posts", "required", "send at least one post")
        rejected: list[ValidationIssue] = []
        duplicates: list[int] = []
        valid: list[str] = []
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            seen = await tx.style_posts.hashes_for_user(user_id)
            for index, raw in enumerate(posts):
                field = f"posts[{index}]"
                try:
                    language = self._language.detect(raw) if isinstance(raw, str) else None
                    text = validate_style_post(raw, language, field)
                except InvalidInput as error:
                    rejected.extend(error.issues)
                    continue
                digest = content_hash(text)
                if digest in seen:
                    duplicates.append(index)
                    continue
                seen.add(digest)
                valid.append(text)
            if not valid:
                raise InvalidInput(
                    rejected
                    or [ValidationIssue("posts", "duplicate", "every post is already stored")]
                )
            ensure_room_for_posts(await tx.style_posts.count_for_user(user_id), len(valid))
            created = [
                StylePost.create(id=self._ids.new_id(), user_id=user_id, content=text, now=now)
                for text in valid
            ]
            for post in created:
                await tx.style_posts.add(post)
            await tx.commit()
        return StyleUploadReport(
            added=[p.id for p in created], rejected=rejected, duplicates=duplicates
        )

    async def one(self, user_id: UUID, content: object) -> UUID:
        """A single post: any problem, a duplicate included, is an error."""
        report = await self._single(user_id, content)
        return report.added[0]

    async def _single(self, user_id: UUID, content: object) -> StyleUploadReport:
        try:
            report = await self(user_id, [content])
        except InvalidInput as error:
            raise InvalidInput(
                [ValidationIssue("content", i.code, i.message) for i in error.issues]
            ) from None
        if report.duplicates:
            raise InvalidInput.of("content", "duplicate_post", "you already added this post")
        return report


class ListStylePosts:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, user_id: UUID) -> list[StylePost]:
        async with self._uow.for_user(user_id) as tx:
            return await tx.style_posts.list_for_user(user_id)


class RemoveStylePost:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, user_id: UUID, post_id: UUID) -> None:
        async with self._uow.for_user(user_id) as tx:
            if not await tx.style_posts.delete(post_id):
                raise NotFound("style post not found")
            await tx.commit()
