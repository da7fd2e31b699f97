"""A Postgres transaction scoped by row-level security: one user's rows, or the system role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg_pool import AsyncConnectionPool

from creatorpulse.adapters.postgres import repositories as repos
from creatorpulse.adapters.postgres.feed_state import PgFeedState
from creatorpulse.adapters.postgres.jobs import PgDeadLetters, PgJobClaims
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory

SYSTEM_ROLE = "creatorpulse_system"
# Connections are in autocommit mode; we open and end transactions ourselves.
_TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(%s, 0))"
_BEGIN_SYSTEM = f"BEGIN; SET LOCAL ROLE {SYSTEM_ROLE}"
_BEGIN_USER = sql.SQL("BEGIN; SELECT set_config('app.user_id', {}, true)")


class PgUnitOfWork(UnitOfWork):
    def __init__(self, pool: AsyncConnectionPool[Any], scope: UUID | None) -> None:
        self._pool, self._scope = pool, scope
        self._conn: AsyncConnection[Any] | None = None

    async def __aenter__(self) -> Self:
        conn = await self._pool.getconn()
        try:
            await self._begin(conn)
        except BaseException:
            await self._pool.putconn(conn)
            raise
        self._conn = conn
        self.users = repos.PgUsers(conn)
        self.tokens = repos.PgTokens(conn)
        self.sources = repos.PgSources(conn)
        self.style_posts = repos.PgStylePosts(conn)
        self.style_chunks = repos.PgStyleChunks(conn)
        self.items = repos.PgItems(conn)
        self.drafts = repos.PgDrafts(conn)
        self.feedback = repos.PgFeedback(conn)
        self.deliveries = repos.PgDeliveries(conn)
        self.feed_state = PgFeedState(conn)
        self.style_jobs = repos.PgStyleJobs(conn)
        self.job_claims = PgJobClaims(conn)
        self.dead_letters = PgDeadLetters(conn)
        return self

    async def _begin(self, conn: AsyncConnection[Any]) -> None:
        # One round trip opens the transaction and scopes it. Both settings are
        # transaction-local: a pooled connection carries nothing over to its next user.
        if self._scope is None:
            await conn.execute(_BEGIN_SYSTEM)
        else:
            await conn.execute(_BEGIN_USER.format(sql.Literal(str(self._scope))))

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.execute("ROLLBACK")  # whatever was not committed is dropped
        finally:
            await self._pool.putconn(conn)

    async def commit(self) -> None:
        assert self._conn is not None, "commit() outside the transaction block"
        await self._conn.execute("COMMIT")
        await self._begin(self._conn)  # later statements in the block stay scoped

    async def rollback(self) -> None:
        assert self._conn is not None, "rollback() outside the transaction block"
        await self._conn.execute("ROLLBACK")
        await self._begin(self._conn)


class PgUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, pool: AsyncConnectionPool[Any], conninfo: str | None = None) -> None:
        self.pool = pool
        self._conninfo = conninfo or str(pool.conninfo)

    def for_user(self, user_id: UUID) -> PgUnitOfWork:
        return PgUnitOfWork(self.pool, user_id)

    def system(self) -> PgUnitOfWork:
        return PgUnitOfWork(self.pool, None)

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[bool]:
        # A session-level advisory lock on a connection of its own (not from the pool, which the
        # block's own transactions need): it outlives them, and dies with this process.
        async with await AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            row = await (await conn.execute(_TRY_LOCK, (key,))).fetchone()
            taken = bool(row and row[0])
            try:
                yield taken
            finally:
                if taken:
                    await conn.execute(_UNLOCK, (key,))
