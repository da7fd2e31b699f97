"""Importing past posts as style posts: validated one by one, most recent first, up to the cap."""

from __future__ import annotations

from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, ValidationIssue
from creatorpulse.domain.model.post_import import read_posts
from creatorpulse.domain.model.style import MAX_POSTS_PER_USER, StylePost, validate_style_post
from creatorpulse.domain.model.text import content_hash
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWorkFactory


class ImportReport(msgspec.Struct, kw_only=True):
    found: int
    added: int
    duplicates: int
    rejected: list[ValidationIssue]  # field is "posts[i]", i in the file's newest-first order
    over_cap: int  # valid posts left out because the 100-post cap was reached


class ImportStylePosts:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, language: LanguageDetector
    ) -> None:
        self._uow, self._clock, self._ids, self._language = uow, clock, ids, language

    async def __call__(self, user_id: UUID, filename: str, data: bytes) -> ImportReport:
        posts = read_posts(filename, data)
        rejected: list[ValidationIssue] = []
        duplicates = over_cap = 0
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            seen = await tx.style_posts.hashes_for_user(user_id)
            room = MAX_POSTS_PER_USER - await tx.style_posts.count_for_user(user_id)
            kept: list[StylePost] = []
            for index, post in enumerate(posts):
                try:
                    text = validate_style_post(
                        post.text, self._language.detect(post.text), f"posts[{index}]"
                    )
                except InvalidInput as error:
                    rejected.extend(error.issues)
                    continue
                if content_hash(text) in seen:
                    duplicates += 1
                    continue
                if len(kept) >= room:
                    over_cap += 1
                    continue
                seen.add(content_hash(text))
                kept.append(StylePost.create(id=self._ids.new_id(), user_id=user_id, content=text,
                                             now=now))  # fmt: skip
            for style_post in kept:
                await tx.style_posts.add(style_post)
            await tx.commit()
        return ImportReport(
            found=len(posts), added=len(kept), duplicates=duplicates, rejected=rejected,
            over_cap=over_cap,
        )  # fmt: skip
