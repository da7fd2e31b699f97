"""Hand-written, parameterised SQL for every repository port. RLS decides what each can see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import msgspec
from psycopg.rows import tuple_row

from creatorpulse.adapters.postgres.rows import PgRepository, fields
from creatorpulse.adapters.postgres.vectors import PackedVector, PackedVectors
from creatorpulse.domain.model.sources import Source, SourceType
from creatorpulse.domain.model.style import StyleChunk, StylePost
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.model.users import User
from creatorpulse.ports import storage

USER = (
    "id, email, password_hash, timezone, delivery_time, active, email_verified, "
    "email_notifications, mail_paused, password_changed_at, created_at, updated_at"
)
SOURCE = (
    "id, user_id, type, url, name, active, last_checked, error_count, last_error, "
    "created_at, updated_at"
)
POST = (
    "id, user_id, content, content_hash, processed, word_count, character_count, "
    "created_at, processed_at"
)
TOKEN = "token_hash, purpose, user_id, created_at, expires_at, used_at"


class PgUsers(PgRepository, storage.UserRepository):
    async def add(self, user: User) -> None:
        await self._execute(
            f"INSERT INTO users ({USER}) VALUES (%(id)s, %(email)s, %(password_hash)s, "
            "%(timezone)s, %(delivery_time)s, %(active)s, %(email_verified)s, "
            "%(email_notifications)s, %(mail_paused)s, %(password_changed_at)s, %(created_at)s, "
            "%(updated_at)s)",
            fields(user),
        )

    async def get(self, user_id: UUID) -> User | None:
        return await self._one(User, f"SELECT {USER} FROM users WHERE id = %s", (user_id,))

    async def get_session(
        self, user_id: UUID, token_id: str, now: datetime
    ) -> tuple[User | None, bool]:
        # One statement that sets this unit of work's scope itself (migration 0013), so a
        # read-only unit of work sends it alone, as every signed-in request does.
        [row] = await self._scoped_rows(
            "SELECT * FROM session_account(%s, %s, %s, %s)", (user_id, token_id, now)
        )
        revoked = bool(row.pop("revoked"))
        return (msgspec.convert(row, User) if row["id"] is not None else None), revoked

    async def get_by_email(self, email: str) -> User | None:
        query = f"SELECT {USER} FROM users WHERE email = lower(%s)"
        return await self._one(User, query, (email,))

    async def update(self, user: User) -> None:
        self._tx.sessions_changed = True
        await self._execute(
            "UPDATE users SET email = %(email)s, password_hash = %(password_hash)s, "
            "timezone = %(timezone)s, delivery_time = %(delivery_time)s, active = %(active)s, "
            "email_verified = %(email_verified)s, email_notifications = %(email_notifications)s, "
            "mail_paused = %(mail_paused)s, password_changed_at = %(password_changed_at)s, "
            "updated_at = %(updated_at)s WHERE id = %(id)s",
            fields(user),
        )

    async def delete(self, user_id: UUID) -> None:
        # Every other table references users ON DELETE CASCADE.
        self._tx.sessions_changed = True
        await self._execute("DELETE FROM users WHERE id = %s", (user_id,))

    async def list_active(self) -> list[User]:
        query = f"SELECT {USER} FROM users WHERE active AND email_verified ORDER BY created_at, id"
        return await self._all(User, query)

    async def count_active(self) -> int:
        query = "SELECT count(*) FROM users WHERE active AND email_verified"
        found: int = await self._scalar(query)
        return found


class PgTokens(PgRepository, storage.TokenRepository):
    async def add(self, token: ActionToken) -> None:
        await self._execute(
            f"INSERT INTO action_tokens ({TOKEN}) VALUES (%(token_hash)s, %(purpose)s, "
            "%(user_id)s, %(created_at)s, %(expires_at)s, %(used_at)s)",
            fields(token),
        )

    async def consume(
        self, token_hash: str, purpose: TokenPurpose, now: datetime
    ) -> ActionToken | None:
        # One statement: two concurrent clicks cannot both consume a single-use token.
        return await self._one(
            ActionToken,
            "UPDATE action_tokens SET used_at = CASE WHEN %(single)s THEN %(now)s ELSE used_at END "
            "WHERE token_hash = %(hash)s AND purpose = %(purpose)s AND expires_at > %(now)s "
            f"AND (used_at IS NULL OR NOT %(single)s) RETURNING {TOKEN}",
            {"hash": token_hash, "purpose": purpose, "now": now, "single": purpose.single_use},
        )

    async def delete_expired(self, now: datetime) -> int:
        return await self._execute("DELETE FROM action_tokens WHERE expires_at <= %s", (now,))


class PgSources(PgRepository, storage.SourceRepository):
    async def add(self, source: Source) -> None:
        await self._execute(
            f"INSERT INTO sources ({SOURCE}) VALUES (%(id)s, %(user_id)s, %(type)s, %(url)s, "
            "%(name)s, %(active)s, %(last_checked)s, %(error_count)s, %(last_error)s, "
            "%(created_at)s, %(updated_at)s)",
            fields(source),
        )

    async def get(self, source_id: UUID) -> Source | None:
        return await self._one(Source, f"SELECT {SOURCE} FROM sources WHERE id = %s", (source_id,))

    async def update(self, source: Source) -> None:
        await self._execute(
            "UPDATE sources SET name = %(name)s, url = %(url)s, active = %(active)s, "
            "last_checked = %(last_checked)s, error_count = %(error_count)s, "
            "last_error = %(last_error)s, updated_at = %(updated_at)s WHERE id = %(id)s",
            fields(source),
        )

    async def delete(self, source_id: UUID) -> bool:
        return await self._execute("DELETE FROM sources WHERE id = %s", (source_id,)) > 0

    async def list_for_user(self, user_id: UUID) -> list[Source]:
        query = f"SELECT {SOURCE} FROM sources WHERE user_id = %s ORDER BY created_at, id"
        return await self._all(Source, query, (user_id,))

    async def count_for_user(self, user_id: UUID) -> int:
        found: int = await self._scalar(
            "SELECT count(*) FROM sources WHERE user_id = %s", (user_id,)
        )
        return found

    async def list_active(self, kind: SourceType | None = None) -> list[Source]:
        return await self._all(
            Source,
            f"SELECT {SOURCE} FROM sources WHERE active AND (%(kind)s::text IS NULL "
            "OR type = %(kind)s) ORDER BY created_at, id",
            {"kind": kind},
        )

    async def count_failing(self) -> int:
        query = "SELECT count(*) FROM sources WHERE active AND error_count > 0"
        found: int = await self._scalar(query)
        return found

    async def get_many(self, source_ids: Sequence[UUID]) -> list[Source]:
        query = f"SELECT {SOURCE} FROM sources WHERE id = ANY(%s) ORDER BY created_at, id"
        return await self._all(Source, query, (list(source_ids),))


class PgStylePosts(PgRepository, storage.StylePostRepository):
    async def add(self, post: StylePost) -> None:
        await self._execute(
            f"INSERT INTO user_style_posts ({POST}) VALUES (%(id)s, %(user_id)s, %(content)s, "
            "%(content_hash)s, %(processed)s, %(word_count)s, %(character_count)s, "
            "%(created_at)s, %(processed_at)s)",
            fields(post),
        )

    async def get(self, post_id: UUID) -> StylePost | None:
        query = f"SELECT {POST} FROM user_style_posts WHERE id = %s"
        return await self._one(StylePost, query, (post_id,))

    async def update(self, post: StylePost) -> None:
        await self._execute(
            "UPDATE user_style_posts SET processed = %(processed)s, "
            "processed_at = %(processed_at)s WHERE id = %(id)s",
            fields(post),
        )

    async def delete(self, post_id: UUID) -> bool:
        query = "DELETE FROM user_style_posts WHERE id = %s"
        return await self._execute(query, (post_id,)) > 0

    async def list_for_user(self, user_id: UUID) -> list[StylePost]:
        query = f"SELECT {POST} FROM user_style_posts WHERE user_id = %s ORDER BY created_at, id"
        return await self._all(StylePost, query, (user_id,))

    async def count_for_user(self, user_id: UUID) -> int:
        query = "SELECT count(*) FROM user_style_posts WHERE user_id = %s"
        found: int = await self._scalar(query, (user_id,))
        return found

    async def count_processed(self, user_id: UUID) -> int:
        query = "SELECT count(*) FROM user_style_posts WHERE user_id = %s AND processed"
        found: int = await self._scalar(query, (user_id,))
        return found

    async def count_processed_each(self, user_ids: Sequence[UUID]) -> dict[UUID, int]:
        rows = await self._rows(
            "SELECT user_id, count(*) AS n FROM user_style_posts "
            "WHERE user_id = ANY(%s) AND processed GROUP BY user_id",
            (list(user_ids),),
        )
        return {row["user_id"]: row["n"] for row in rows}

    async def hashes_for_user(self, user_id: UUID) -> set[str]:
        query = "SELECT content_hash FROM user_style_posts WHERE user_id = %s"
        return {row["content_hash"] for row in await self._rows(query, (user_id,))}


class PgStyleChunks(PgRepository, storage.StyleChunkRepository):
    async def replace_for_post(self, post_id: UUID, chunks: Sequence[StyleChunk]) -> None:
        await self._execute("DELETE FROM style_vectors WHERE style_post_id = %s", (post_id,))
        if not chunks:
            return
        await self._tx.open()  # executemany pipelines on its own
        async with self._conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO style_vectors (id, user_id, style_post_id, content, embedding, "
                "created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        c.id,
                        c.user_id,
                        c.style_post_id,
                        c.content,
                        PackedVector(c.embedding),
                        c.created_at,
                    )
                    for c in chunks
                ],
            )

    async def nearest(
        self, user_id: UUID, vector: Sequence[float], limit: int
    ) -> list[tuple[StyleChunk, float]]:
        # Exact search over one user's rows (PRODUCT decision 6); the distance is computed once
        # and the vectors stay in the database: callers need the text and the similarity. The
        # function (migration 0011) sets the transaction's scope before it reads, so a read-only
        # unit of work sends this as its only statement. Rows come back as tuples of the
        # function's declared types, so the chunks are built directly.
        rows = await self._scoped_rows(
            "SELECT * FROM style_nearest(%s, %s, %s, %s)",
            (user_id, PackedVector(vector), limit), row_factory=tuple_row,
        )  # fmt: skip
        return [
            (StyleChunk(id=i, user_id=u, style_post_id=p, content=c, embedding=[], created_at=t),
             1.0 - d)
            for i, u, p, c, t, d in rows
        ]  # fmt: skip

    async def nearest_each(
        self, user_id: UUID, vectors: Sequence[Sequence[float]], limit: int
    ) -> list[list[tuple[StyleChunk, float]]]:
        # One round trip for a day's candidates (30 at most) instead of one per item: the same
        # exact per-user search, once per query vector (WITH ORDINALITY keeps them apart); binary
        # parameters, as formatting 30 x 768 floats as text cost more than the query.
        if not vectors:
            return []
        # The same few chunks answer most queries, so each comes back once with the queries
        # (and distances) it answered: ~20 rows a day instead of 30 x 20 copies of its text.
        queries = PackedVectors(vectors)
        rows = await self._rows(
            "SELECT s.id, s.user_id, s.style_post_id, s.content, s.created_at, h.ns, h.ds "
            "FROM (SELECT c.id, array_agg(q.n) AS ns, array_agg(c.distance) AS ds "
            "FROM unnest(%(qs)b::vector[]) WITH ORDINALITY AS q(v, n) "
            "CROSS JOIN LATERAL (SELECT id, embedding <=> q.v AS distance FROM style_vectors "
            "WHERE user_id = %(user)s ORDER BY distance, id LIMIT %(limit)s) c GROUP BY c.id) h "
            "JOIN style_vectors s ON s.id = h.id",
            {"qs": queries, "user": user_id, "limit": limit},
        )
        hits: list[list[tuple[float, UUID, StyleChunk]]] = [[] for _ in vectors]
        for row in rows:
            ns, ds = row.pop("ns"), row.pop("ds")
            chunk = msgspec.convert(row | {"embedding": []}, StyleChunk)
            for n, distance in zip(ns, ds, strict=True):
                hits[n - 1].append((float(distance), chunk.id, chunk))
        return [[(c, 1.0 - d) for d, _, c in sorted(found)] for found in hits]

    async def count_for_user(self, user_id: UUID) -> int:
        query = "SELECT count(*) FROM style_vectors WHERE user_id = %s"
        found: int = await self._scalar(query, (user_id,))
        return found


from creatorpulse.adapters.postgres.repositories_drafts import (  # noqa: E402
    PgDeliveries,
    PgDrafts,
    PgFeedback,
    PgStyleJobs,
)
from creatorpulse.adapters.postgres.repositories_items import PgItems  # noqa: E402

__all__ = [
    "PgDeliveries",
    "PgDrafts",
    "PgFeedback",
    "PgItems",
    "PgSources",
    "PgStyleChunks",
    "PgStyleJobs",
    "PgStylePosts",
    "PgTokens",
    "PgUsers",
]
