"""A Postgres transaction scoped by row-level security: one user's rows, or the system role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from creatorpulse.adapters.postgres import repositories as repos
from creatorpulse.adapters.postgres.feed_state import PgFeedState
from creatorpulse.adapters.postgres.jobs import PgDeadLetters, PgJobClaims
from creatorpulse.adapters.postgres.transaction import LazyTransaction, Statement
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory

SYSTEM_ROLE = "creatorpulse_system"
# Connections are in autocommit mode; LazyTransaction opens and ends transactions itself.
_TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(%s, 0))"
LOCK_CONNECT_TIMEOUT = 10  # seconds
LOCK_CONNECTIONS = 32  # locks held at once by one process (a worker sends 16 at a time)
_SET_USER = "SELECT set_config('app.user_id', %s, true)"
_READ_ONLY = "set_config('transaction_read_only', 'on', true)"


def _opening(scope: UUID | None, read_only: bool) -> list[Statement]:
    """BEGIN and the transaction-local scope: a pooled connection carries nothing over.

    A read-only opening is one statement with no BEGIN: it runs in the implicit transaction of
    the batch it is sent in (see LazyTransaction), which it makes read-only and scoped."""
    if read_only:
        if scope is None:
            return [(f"SELECT set_config('role', %s, true), {_READ_ONLY}", (SYSTEM_ROLE,))]
        return [(f"{_SET_USER}, {_READ_ONLY}", (str(scope),))]
    if scope is None:
        return [("BEGIN", ()), (f"SET LOCAL ROLE {SYSTEM_ROLE}", ())]
    return [("BEGIN", ()), (_SET_USER, (str(scope),))]


class PgUnitOfWork(UnitOfWork):
    def __init__(
        self, pool: AsyncConnectionPool[Any], scope: UUID | None, *, read_only: bool = False
    ) -> None:
        self._pool, self._scope, self._read_only = pool, scope, read_only
        self._tx: LazyTransaction | None = None

    async def __aenter__(self) -> Self:
        # No round trip yet: the transaction opens together with the first statement.
        tx = LazyTransaction(
            await self._pool.getconn(), _opening(self._scope, self._read_only),
            read_only=self._read_only,
        )  # fmt: skip
        self._tx = tx
        self.users = repos.PgUsers(tx)
        self.tokens = repos.PgTokens(tx)
        self.sources = repos.PgSources(tx)
        self.style_posts = repos.PgStylePosts(tx)
        self.style_chunks = repos.PgStyleChunks(tx)
        self.items = repos.PgItems(tx)
        self.drafts = repos.PgDrafts(tx)
        self.feedback = repos.PgFeedback(tx)
        self.deliveries = repos.PgDeliveries(tx)
        self.feed_state = PgFeedState(tx)
        self.style_jobs = repos.PgStyleJobs(tx)
        self.job_claims = PgJobClaims(tx)
        self.dead_letters = PgDeadLetters(tx)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tx, self._tx = self._tx, None
        if tx is None:
            return
        try:
            await tx.rollback()  # whatever was not committed is dropped
        finally:
            await self._pool.putconn(tx.conn)

    async def commit(self) -> None:
        assert self._tx is not None, "commit() outside the transaction block"
        await self._tx.commit()  # later statements open the next scoped transaction

    async def rollback(self) -> None:
        assert self._tx is not None, "rollback() outside the transaction block"
        await self._tx.rollback()


class PgUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, pool: AsyncConnectionPool[Any], conninfo: str | None = None) -> None:
        self.pool = pool
        self._conninfo = conninfo or str(pool.conninfo)
        self._locks: AsyncConnectionPool[Any] | None = None

    def for_user(self, user_id: UUID, *, read_only: bool = False) -> PgUnitOfWork:
        return PgUnitOfWork(self.pool, user_id, read_only=read_only)

    def system(self) -> PgUnitOfWork:
        return PgUnitOfWork(self.pool, None)

    async def _lock_pool(self) -> AsyncConnectionPool[Any]:
        # Session-level advisory locks need connections of their own (not the main pool's,
        # which the block's own transactions need): a small pool of them, opened on first use,
        # so a send no longer pays a new connection. A server that drops packets must not hang
        # the send that asked: connecting and waiting for one are both bounded.
        if self._locks is None:
            self._locks = AsyncConnectionPool(
                self._conninfo, min_size=0, max_size=LOCK_CONNECTIONS, open=False,
                timeout=LOCK_CONNECT_TIMEOUT,
                kwargs={"autocommit": True, "connect_timeout": LOCK_CONNECT_TIMEOUT},
            )  # fmt: skip
            await self._locks.open(wait=False)
        return self._locks

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[bool]:
        # A session-level lock outlives the block's transactions and dies with the connection.
        async with (await self._lock_pool()).connection() as conn:
            row = await (await conn.execute(_TRY_LOCK, (key,))).fetchone()
            taken = bool(row and row[0])
            try:
                yield taken
            finally:
                if taken:
                    try:
                        await conn.execute(_UNLOCK, (key,))
                    except BaseException:
                        # Never hand back a connection that may still hold the lock.
                        await conn.close()
                        raise

    async def close(self) -> None:
        if self._locks is not None:
            await self._locks.close()
            self._locks = None
