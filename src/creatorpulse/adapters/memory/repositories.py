"""Repositories over the in-memory store; same behaviour as Postgres, checked by contract tests."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import msgspec

from creatorpulse.adapters.memory.store import TABLES, Transaction
from creatorpulse.domain.model.errors import Conflict
from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.sources import Source, SourceType
from creatorpulse.domain.model.style import StyleChunk, StylePost
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.model.users import User
from creatorpulse.ports import storage


class _Repo:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx


class MemoryUsers(_Repo, storage.UserRepository):
    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self._tx.rows("users", copies=False)):
            raise Conflict("an account with this email already exists", code="email_taken")
        self._tx.put("users", user.id, user)

    async def get(self, user_id: UUID) -> User | None:
        found: User | None = self._tx.get("users", user_id)
        return found

    async def get_session(
        self, user_id: UUID, token_id: str, now: datetime
    ) -> tuple[User | None, bool]:
        until: datetime | None = self._tx.get("revoked", token_id)
        return await self.get(user_id), until is not None and until > now

    async def get_by_email(self, email: str) -> User | None:
        return next((u for u in self._tx.rows("users") if u.email == email.lower()), None)

    async def update(self, user: User) -> None:
        if self._tx.exists("users", user.id):
            self._tx.put("users", user.id, user)

    async def delete(self, user_id: UUID) -> None:
        if not self._tx.exists("users", user_id):
            return
        for table in TABLES:  # every row that carries this user's id goes with them
            for key, row in self._tx.keyed(table):
                if table != "users" and getattr(row, "user_id", None) == user_id:
                    self._tx.delete(table, key)
        self._tx.delete("users", user_id)

    async def list_active(self) -> list[User]:
        return [u for u in self._tx.rows("users") if u.active and u.email_verified]

    async def count_active(self) -> int:
        return len(await self.list_active())


class MemoryRevocations(_Repo, storage.RevocationRepository):
    async def add(self, token_id: str, until: datetime, now: datetime) -> None:
        if self._tx.get("revoked", token_id) is None:  # as ON CONFLICT DO NOTHING
            self._tx.put("revoked", token_id, until)
        ran_out = [k for k, end in self._tx.keyed("revoked") if end <= now]
        for token in ran_out:
            self._tx.delete("revoked", token)


class MemoryTokens(_Repo, storage.TokenRepository):
    async def add(self, token: ActionToken) -> None:
        self._tx.put("tokens", token.token_hash, token)

    async def consume(
        self, token_hash: str, purpose: TokenPurpose, now: datetime
    ) -> ActionToken | None:
        token: ActionToken | None = self._tx.get("tokens", token_hash)
        if token is None or not token.usable(purpose, now):
            return None
        if purpose.single_use:
            token.used_at = now
            self._tx.put("tokens", token_hash, token)
        return token

    async def delete_expired(self, now: datetime) -> int:
        expired = [
            t.token_hash for t in self._tx.rows("tokens", copies=False) if t.expires_at <= now
        ]
        return sum(self._tx.delete("tokens", key) for key in expired)


class MemorySources(_Repo, storage.SourceRepository):
    async def add(self, source: Source) -> None:
        self._tx.put("sources", source.id, source)

    async def get(self, source_id: UUID) -> Source | None:
        found: Source | None = self._tx.get("sources", source_id)
        return found

    async def update(self, source: Source) -> None:
        if self._tx.exists("sources", source.id):
            self._tx.put("sources", source.id, source)

    async def delete(self, source_id: UUID) -> bool:
        if not self._tx.delete("sources", source_id):
            return False
        gone = {i.id for i in self._tx.rows("items", copies=False) if i.source_id == source_id}
        for item_id in gone:
            self._tx.delete("items", item_id)
        for draft in self._tx.rows("drafts"):
            if draft.source_item_id in gone:
                draft.source_item_id = None
                self._tx.put("drafts", draft.id, draft)
        return True

    async def list_for_user(self, user_id: UUID) -> list[Source]:
        mine = [s for s in self._tx.rows("sources") if s.user_id == user_id]
        return sorted(mine, key=lambda s: (s.created_at, str(s.id)))

    async def count_for_user(self, user_id: UUID) -> int:
        return sum(1 for s in self._tx.rows("sources", copies=False) if s.user_id == user_id)

    async def list_active(self, kind: SourceType | None = None) -> list[Source]:
        return [
            s for s in self._tx.rows("sources") if s.active and (kind is None or s.type is kind)
        ]

    async def count_failing(self) -> int:
        return sum(1 for s in self._tx.rows("sources", copies=False) if s.active and s.error_count)

    async def get_many(self, source_ids: Sequence[UUID]) -> list[Source]:
        found = (self._tx.get("sources", source_id) for source_id in dict.fromkeys(source_ids))
        return [source for source in found if source is not None]


class MemoryStylePosts(_Repo, storage.StylePostRepository):
    async def add(self, post: StylePost) -> None:
        if post.content_hash in await self.hashes_for_user(post.user_id):
            raise Conflict("you already added this post", code="duplicate_post")
        self._tx.put("style_posts", post.id, post)

    async def get(self, post_id: UUID) -> StylePost | None:
        found: StylePost | None = self._tx.get("style_posts", post_id)
        return found

    async def update(self, post: StylePost) -> None:
        if self._tx.exists("style_posts", post.id):
            self._tx.put("style_posts", post.id, post)

    async def delete(self, post_id: UUID) -> bool:
        if not self._tx.delete("style_posts", post_id):
            return False
        for c in list(self._tx.rows("style_chunks", copies=False)):
            if c.style_post_id == post_id:
                self._tx.delete("style_chunks", c.id)
        return True

    async def list_for_user(self, user_id: UUID) -> list[StylePost]:
        mine = [p for p in self._tx.rows("style_posts") if p.user_id == user_id]
        return sorted(mine, key=lambda p: (p.created_at, str(p.id)))

    async def count_for_user(self, user_id: UUID) -> int:
        return sum(1 for p in self._tx.rows("style_posts", copies=False) if p.user_id == user_id)

    async def count_processed(self, user_id: UUID) -> int:
        rows = self._tx.rows("style_posts", copies=False)
        return sum(1 for p in rows if p.user_id == user_id and p.processed)

    async def count_processed_each(self, user_ids: Sequence[UUID]) -> dict[UUID, int]:
        wanted = set(user_ids)
        found = Counter(
            p.user_id for p in self._tx.rows("style_posts", copies=False)
            if p.processed and p.user_id in wanted
        )  # fmt: skip
        return dict(found)

    async def hashes_for_user(self, user_id: UUID) -> set[str]:
        rows = self._tx.rows("style_posts", copies=False)
        return {p.content_hash for p in rows if p.user_id == user_id}


class MemoryStyleChunks(_Repo, storage.StyleChunkRepository):
    async def replace_for_post(self, post_id: UUID, chunks: Sequence[StyleChunk]) -> None:
        for c in list(self._tx.rows("style_chunks", copies=False)):
            if c.style_post_id == post_id:
                self._tx.delete("style_chunks", c.id)
        for c in chunks:
            self._tx.put("style_chunks", c.id, c)

    async def nearest(
        self, user_id: UUID, vector: Sequence[float], limit: int
    ) -> list[tuple[StyleChunk, float]]:
        query_norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        scored = []
        for c in self._tx.rows("style_chunks", copies=False):
            if c.user_id != user_id:
                continue
            norm = math.sqrt(sum(x * x for x in c.embedding)) or 1.0
            similarity = sum(a * b for a, b in zip(c.embedding, vector, strict=True))
            scored.append((c, similarity / (norm * query_norm)))
        scored.sort(key=lambda pair: (-pair[1], str(pair[0].id)))
        # Like Postgres: the vectors stay in the store; callers need the text and similarity.
        return [(msgspec.structs.replace(c, embedding=[]), s) for c, s in scored[:limit]]

    async def nearest_each(
        self, user_id: UUID, vectors: Sequence[Sequence[float]], limit: int
    ) -> list[list[tuple[StyleChunk, float]]]:
        return [await self.nearest(user_id, vector, limit) for vector in vectors]

    async def count_for_user(self, user_id: UUID) -> int:
        return sum(1 for c in self._tx.rows("style_chunks", copies=False) if c.user_id == user_id)


class MemoryItems(_Repo, storage.SourceItemRepository):
    async def add_new(self, items: Sequence[SourceItem]) -> list[SourceItem]:
        if not items:
            return []
        seen = self._stored_keys({i.content_hash for i in items})
        stored = []
        for item in items:
            key = (item.source_id, item.content_hash)
            if key not in seen and self._tx.exists("sources", item.source_id):
                seen.add(key)
                self._tx.put("items", item.id, item)
                stored.append(item)
        return stored

    def _stored_keys(self, hashes: set[str]) -> set[tuple[UUID, str]]:
        """(source, hash) of visible rows with one of `hashes`; the str test comes first, as
        it is far cheaper than the visibility check, which the fetch cycle runs 10^7 times."""
        changed = self._tx.changes["items"]
        committed = self._tx.store.tables["items"]
        rows = [r for r in committed.values() if r.content_hash in hashes and r.id not in changed]
        rows += [r for r in changed.values() if r is not None and r.content_hash in hashes]
        return {(r.source_id, r.content_hash) for r in rows if self._tx.visible("items", r)}

    async def get(self, item_id: UUID) -> SourceItem | None:
        found: SourceItem | None = self._tx.get("items", item_id)
        return found

    async def recent_for_feed(
        self, kind: SourceType, url: str, since: datetime, limit: int = 200
    ) -> list[SourceItem]:
        following = {
            s.id for s in self._tx.rows("sources", copies=False) if (s.type, s.url) == (kind, url)
        }
        found = [
            i
            for i in self._tx.rows("items")
            if i.source_id in following and i.published_at >= since
        ]
        found.sort(key=lambda i: str(i.id))
        found.sort(key=lambda i: i.published_at, reverse=True)
        newest: dict[str, SourceItem] = {}
        for item in found:
            newest.setdefault(item.content_hash, item)
        return list(newest.values())[:limit]

    async def list_recent(self, user_id: UUID, since: datetime) -> list[SourceItem]:
        active = {s.id for s in self._tx.rows("sources", copies=False) if s.active}
        return [
            i for i in self._tx.rows("items")
            if i.user_id == user_id and i.source_id in active and not i.processed
            and i.published_at >= since
        ]  # fmt: skip

    async def mark_processed(self, item_ids: Sequence[UUID]) -> None:
        for item_id in item_ids:
            item = self._tx.get("items", item_id)
            if item is not None:
                item.processed = True
                self._tx.put("items", item_id, item)

    async def delete_expired(self, now: datetime) -> int:
        expired = [i.id for i in self._tx.rows("items", copies=False) if i.is_expired(now)]
        for draft in self._tx.rows("drafts"):
            if draft.source_item_id in expired:
                draft.source_item_id = None
                self._tx.put("drafts", draft.id, draft)
        return sum(self._tx.delete("items", key) for key in expired)
