"""A Postgres transaction scoped by row-level security: one user's rows, or the system role."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload
from uuid import UUID

import structlog
from psycopg import AsyncConnection, OperationalError
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool

from creatorpulse.adapters.postgres import repositories as repos
from creatorpulse.adapters.postgres.feed_state import PgFeedState
from creatorpulse.adapters.postgres.jobs import PgDeadLetters, PgJobClaims
from creatorpulse.adapters.postgres.revocations import PgRevocations
from creatorpulse.adapters.postgres.rows import PgRepository
from creatorpulse.adapters.postgres.session_notices import SessionNotices
from creatorpulse.adapters.postgres.transaction import LazyTransaction, Statement
from creatorpulse.domain.model.sessions import SessionMemo
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger("creatorpulse.storage")
SYSTEM_ROLE = "creatorpulse_system"
# Connections are in autocommit mode; LazyTransaction opens and ends transactions itself.
_TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(%s, 0))"
LOCK_CONNECT_TIMEOUT = 10  # seconds
LOCK_CONNECTIONS = 32  # locks held at once by one process (a worker sends 16 at a time)
_SET_USER = "SELECT set_config('app.user_id', %s, true)"
_READ_ONLY = "set_config('transaction_read_only', 'on', true)"
R = TypeVar("R", bound=PgRepository)


def _opening(scope: UUID | None, read_only: bool) -> list[Statement]:
    """BEGIN and the transaction-local scope: a pooled connection carries nothing over.

    A read-only opening is one statement with no BEGIN: it runs in the implicit transaction of
    the batch it is sent in (see LazyTransaction), which it makes read-only and scoped."""
    if read_only:
        if scope is None:
            return [(f"SELECT set_config('role', '{SYSTEM_ROLE}', true), {_READ_ONLY}", ())]
        # Written out, not bound: `.hex` exists only on a UUID and is 32 hex digits, so nothing
        # else (a str typed as a UUID by mistake) can reach the SQL text.
        return [(f"SELECT set_config('app.user_id', '{scope.hex}', true), {_READ_ONLY}", ())]
    if scope is None:
        return [("BEGIN", ()), (f"SET LOCAL ROLE {SYSTEM_ROLE}", ())]
    return [("BEGIN", ()), (_SET_USER, (str(scope),))]


class _Repository(Generic[R]):
    """A unit of work's repository, made on first use: a request reads through one or two of
    the fourteen, and every signed-in request opens a unit of work."""

    def __init__(self, kind: Callable[[LazyTransaction], R]) -> None:
        self._kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...
    @overload
    def __get__(self, uow: PgUnitOfWork, owner: type) -> R: ...
    def __get__(self, uow: PgUnitOfWork | None, owner: type) -> R | Self:
        if uow is None:
            return self
        made = uow._made.get(self._name)
        if made is None:
            if uow._tx is None:
                raise RuntimeError("a repository used outside its unit of work's block")
            made = uow._made[self._name] = self._kind(uow._tx)
        return made  # type: ignore[return-value]


class PgUnitOfWork(UnitOfWork):
    users = _Repository(repos.PgUsers)
    revocations = _Repository(PgRevocations)
    tokens = _Repository(repos.PgTokens)
    sources = _Repository(repos.PgSources)
    style_posts = _Repository(repos.PgStylePosts)
    style_chunks = _Repository(repos.PgStyleChunks)
    items = _Repository(repos.PgItems)
    drafts = _Repository(repos.PgDrafts)
    feedback = _Repository(repos.PgFeedback)
    deliveries = _Repository(repos.PgDeliveries)
    feed_state = _Repository(PgFeedState)
    style_jobs = _Repository(repos.PgStyleJobs)
    job_claims = _Repository(PgJobClaims)
    dead_letters = _Repository(PgDeadLetters)

    def __init__(
        self, pool: AsyncConnectionPool[Any], scope: UUID | None, *, read_only: bool = False,
        on_lost: Callable[[], None] | None = None, memo: SessionMemo | None = None,
    ) -> None:  # fmt: skip
        self._pool, self._scope, self._read_only = pool, scope, read_only
        self._on_lost, self._memo = on_lost, memo
        self._tx: LazyTransaction | None = None
        self._made: dict[str, PgRepository] = {}

    async def __aenter__(self) -> Self:
        # No round trip yet: the transaction opens together with the first statement.
        tx = LazyTransaction(
            await self._pool.getconn(), partial(_opening, self._scope, self._read_only),
            read_only=self._read_only, scope=self._scope,
        )  # fmt: skip
        self._tx, self._made = tx, {}  # each repository is made when first used
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tx, self._tx, self._made = self._tx, None, {}
        if tx is None:
            return
        try:
            await tx.rollback()  # whatever was not committed is dropped
        finally:
            lost = tx.conn.broken
            await self._pool.putconn(tx.conn)  # a broken one is discarded
            if lost and self._on_lost is not None:
                self._on_lost()

    async def commit(self) -> None:
        tx = self._tx
        assert tx is not None, "commit() outside the transaction block"
        try:
            await tx.commit()  # later statements open the next scoped transaction
        finally:
            if tx.sessions_changed and self._memo is not None:
                # Before this process answers anyone: the notice to other processes (0015)
                # arrives on another connection, later.
                self._memo.clear()
                tx.sessions_changed = False

    async def rollback(self) -> None:
        assert self._tx is not None, "rollback() outside the transaction block"
        await self._tx.rollback()


class PgUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, pool: AsyncConnectionPool[Any], conninfo: str | None = None) -> None:
        self.pool = pool
        self._locks = LockConnections(conninfo or str(pool.conninfo))
        self._checking: asyncio.Task[None] | None = None
        self._notices = SessionNotices(conninfo or str(pool.conninfo), SessionMemo())

    @property
    def sessions(self) -> SessionMemo:
        self._notices.start()  # kept only once the notices are heard: see SessionNotices
        return self._notices.memo

    def for_user(self, user_id: UUID, *, read_only: bool = False) -> PgUnitOfWork:
        return PgUnitOfWork(
            self.pool, user_id, read_only=read_only, on_lost=self._lost,
            memo=self._notices.memo,
        )  # fmt: skip

    def system(self) -> PgUnitOfWork:
        return PgUnitOfWork(self.pool, None, on_lost=self._lost, memo=self._notices.memo)

    def _lost(self) -> None:
        """A connection broke (the server restarted, or dropped it): the idle ones in the pool
        most likely died with it, and would be handed out one by one to fail each its own unit
        of work (a task retried five times met five of them). Test them all now, once."""
        if self._checking is None or self._checking.done():
            self._checking = asyncio.get_running_loop().create_task(self._check())

    async def _check(self) -> None:
        try:
            await self.pool.check()
        except Exception as error:  # the server may still be down: the pool reconnects later
            log.warning("pool_check_failed", error=repr(error))

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[bool]:
        # A session-level advisory lock, on a connection outside the main pool (which the
        # block's own transactions need): it outlives them, and dies with the connection.
        conn = await self._locks.take()
        try:
            row = await (await conn.execute(_TRY_LOCK, (key,))).fetchone()
        except OperationalError:  # kept idle across a server restart: try a new one, once
            await conn.close()
            conn = await self._locks.connect()
            try:
                row = await (await conn.execute(_TRY_LOCK, (key,))).fetchone()
            except BaseException:
                await conn.close()
                raise
        taken = bool(row and row[0])
        try:
            yield taken
        finally:
            try:
                if taken:
                    await conn.execute(_UNLOCK, (key,))
            except BaseException:
                await conn.close()  # never kept while it may still hold the lock
                raise
            await self._locks.give_back(conn)

    async def close(self) -> None:
        await self._notices.close()
        if self._checking is not None:
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking
        await self._locks.close()


class LockConnections:
    """Idle connections kept for advisory locks, so a send no longer opens one: a plain free
    list (no pool workers, so no event loop of its own). Connecting is bounded, as a server
    that drops packets must not hang the send that asked."""

    def __init__(self, conninfo: str, keep: int = LOCK_CONNECTIONS) -> None:
        self._conninfo, self._keep = conninfo, keep
        self._idle: list[AsyncConnection[Any]] = []

    async def take(self) -> AsyncConnection[Any]:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed and conn.info.transaction_status is TransactionStatus.IDLE:
                return conn
            await conn.close()
        return await self.connect()

    async def connect(self) -> AsyncConnection[Any]:
        return await AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=LOCK_CONNECT_TIMEOUT
        )

    async def give_back(self, conn: AsyncConnection[Any]) -> None:
        if len(self._idle) < self._keep and not conn.closed:
            self._idle.append(conn)
        else:
            await conn.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
