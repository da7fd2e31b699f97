"""The Postgres unit of work opens its transaction with its first statement and never hands a
scoped or half-finished connection back to the pool, whatever happened inside."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest

from builders import make_chunk, make_draft, make_post, make_user
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.unit_of_work import PgUnitOfWorkFactory


@pytest.fixture
async def uow(pg_clean: str) -> AsyncIterator[PgUnitOfWorkFactory]:
    database = Database(pg_clean, max_connections=1)  # one connection: every block reuses it
    yield await database.open()
    await database.close()


async def _pooled_state(uow: PgUnitOfWorkFactory) -> tuple[str, str, str]:
    async with uow.pool.connection() as conn:
        row = await (await conn.execute(
            "SELECT current_user, coalesce(current_setting('app.user_id', true), ''), "
            "(SELECT count(*) FROM users)::text"
        )).fetchone()  # fmt: skip
        assert conn.info.transaction_status is psycopg.pq.TransactionStatus.IDLE
    assert row is not None
    return row


async def test_the_pool_gets_back_an_unscoped_idle_connection(uow: PgUnitOfWorkFactory) -> None:
    alice = make_user()
    async with uow.system() as tx:
        await tx.users.add(alice)
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert await tx.users.get(alice.id) == alice
    assert await _pooled_state(uow) == ("creatorpulse_app", "", "0")
    async with uow.for_user(alice.id) as tx:
        await tx.drafts.add(make_draft(alice.id))  # left uncommitted: rolled back on exit
    assert await _pooled_state(uow) == ("creatorpulse_app", "", "0")
    with pytest.raises(psycopg.errors.UndefinedFunction):
        async with uow.system() as tx:
            await tx.users._scalar("SELECT no_such_function()")
    assert await _pooled_state(uow) == ("creatorpulse_app", "", "0")
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert (await tx.drafts.list_page(alice.id, 1, 10))[1] == 0


async def test_a_read_only_unit_of_work_refuses_writes_and_reads_on(
    uow: PgUnitOfWorkFactory,
) -> None:
    alice = make_user()
    async with uow.system() as tx:
        await tx.users.add(alice)
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            await tx.drafts.add(make_draft(alice.id))
        assert await tx.users.get(alice.id) == alice  # the failed statement left nothing open
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert await tx.drafts.list_page(alice.id, 1, 10) == ([], 0)
    assert await _pooled_state(uow) == ("creatorpulse_app", "", "0")


async def test_a_read_only_search_is_one_statement_scoped_to_its_user(
    uow: PgUnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = make_user(), make_user()
    post = make_post(alice.id)
    async with uow.system() as tx:
        await tx.users.add(alice)
        await tx.users.add(bob)
        await tx.style_posts.add(post)
        await tx.style_chunks.replace_for_post(
            post.id, [make_chunk(alice.id, post.id, [0.5] * 768)]
        )
        await tx.commit()
    sent: list[str] = []
    execute = psycopg.AsyncCursor.execute

    async def counted(self: psycopg.AsyncCursor[object], query: str, *args: object, **kw: object):
        sent.append(str(query))
        return await execute(self, query, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.AsyncCursor, "execute", counted)
    async with uow.for_user(alice.id, read_only=True) as tx:
        found = await tx.style_chunks.nearest(alice.id, [0.5] * 768, 5)
    assert [chunk.user_id for chunk, _ in found] == [alice.id]
    assert len(sent) == 1 and "style_nearest" in sent[0]  # no opening, no ROLLBACK
    assert await _pooled_state(uow) == ("creatorpulse_app", "", "0")
    async with uow.for_user(bob.id, read_only=True) as tx:
        assert await tx.style_chunks.nearest(alice.id, [0.5] * 768, 5) == []
    async with uow.for_user(alice.id) as tx:  # in a read-write transaction, as any statement
        await tx.drafts.add(make_draft(alice.id))
        assert len(await tx.style_chunks.nearest(alice.id, [0.5] * 768, 5)) == 1
        await tx.commit()


async def test_commit_keeps_the_writes_and_later_statements_stay_scoped(
    uow: PgUnitOfWorkFactory,
) -> None:
    alice, bob = make_user(), make_user()
    async with uow.system() as tx:
        await tx.users.add(alice)
        await tx.users.add(bob)
        await tx.commit()
    async with uow.for_user(alice.id) as tx:
        await tx.drafts.add(make_draft(alice.id))
        await tx.commit()
        assert await tx.users.get(bob.id) is None  # the next transaction is scoped again
        await tx.drafts.add(make_draft(alice.id))
        await tx.commit()
        await tx.commit()  # nothing since the last commit: nothing to send
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert (await tx.drafts.list_page(alice.id, 1, 10))[1] == 2


async def test_exclusive_reuses_its_lock_connections_and_always_unlocks(
    uow: PgUnitOfWorkFactory, pg_clean: str
) -> None:
    async def holders() -> int:
        with psycopg.connect(pg_clean) as conn:
            row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            return int(row.fetchone()[0])  # type: ignore[index]

    async with uow.exclusive("daily-email:a") as mine:
        assert mine and await holders() == 1
    with pytest.raises(RuntimeError):
        async with uow.exclusive("daily-email:a") as mine:
            assert mine
            raise RuntimeError("the send failed")
    assert await holders() == 0, "released though the block raised"
    async with uow.exclusive("daily-email:a") as mine:
        assert mine
    with psycopg.connect(pg_clean) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = 'creatorpulse_app'"
        ).fetchone()
    # one pooled connection for the unit of work, one kept for locks: not one per call
    assert row is not None and row[0] <= 2


async def test_a_lock_connection_broken_while_idle_is_replaced(
    uow: PgUnitOfWorkFactory, pg_clean: str
) -> None:
    async with uow.exclusive("daily-email:a") as mine:
        assert mine
    with psycopg.connect(pg_clean, autocommit=True) as conn:  # as a server restart would
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE usename = 'creatorpulse_app' AND pid <> pg_backend_pid()"
        )
    async with uow.exclusive("daily-email:a") as mine:
        assert mine, "a new connection took the lock"


async def test_connections_lost_with_the_server_are_replaced_after_the_first_failure(
    pg_clean: str,
) -> None:
    """A restart (here: every app backend terminated) kills the pool's idle connections too;
    without a check each would be handed out in turn and fail its own unit of work."""
    database = Database(pg_clean, max_connections=4)
    uow = await database.open()
    try:
        held = [await uow.pool.getconn() for _ in range(4)]  # the pool now keeps four
        for conn in held:
            await uow.pool.putconn(conn)
        with psycopg.connect(pg_clean, autocommit=True) as owner:
            owner.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = 'creatorpulse_app'"
            )
        with pytest.raises(psycopg.OperationalError):
            async with uow.system() as tx:
                await tx.users.count_active()
        await asyncio.sleep(0.5)  # a retry's back-off; the pool is checked meanwhile
        for _ in range(4):
            async with uow.system() as tx:
                assert await tx.users.count_active() == 0
    finally:
        await database.close()
