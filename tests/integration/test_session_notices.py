"""Session checks are read once and kept while nothing they read may have changed: a change
committed by this process clears the memo before it answers, one committed anywhere else clears
it when PostgreSQL's notice arrives, and while the notices cannot be heard nothing is kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import psycopg
import pytest

from builders import make_user
from creatorpulse.adapters.postgres import session_notices
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.session_notices import APPLICATION_NAME
from creatorpulse.adapters.postgres.unit_of_work import PgUnitOfWorkFactory
from creatorpulse.adapters.system import SystemClock
from creatorpulse.domain.model.users import User
from creatorpulse.domain.use_cases.account import Account

TOKEN = "a" * 32


@pytest.fixture
async def two(pg_clean: str) -> AsyncIterator[tuple[PgUnitOfWorkFactory, PgUnitOfWorkFactory]]:
    """Two processes' stores on one database."""
    first, second = Database(pg_clean), Database(pg_clean)
    yield await first.open(), await second.open()
    await first.close()
    await second.close()


async def _until(check: Callable[[], object], within: float = 5.0) -> None:
    """Polls: what it waits for happens in a task of the store's, which signals nothing."""
    for _ in range(int(within / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not within {within} s")


async def _listening(uow: PgUnitOfWorkFactory, user: User) -> Account:
    async with uow.system() as tx:
        await tx.users.add(user)
        await tx.commit()
    await _until(lambda: uow.sessions.live)
    account = Account(uow, SystemClock())
    assert await account.session(user.id, TOKEN) == (user, False)
    assert uow.sessions.get(user.id, TOKEN) == (user, False)  # kept: no read next time
    return account


async def test_a_sign_out_here_is_refused_at_once(
    two: tuple[PgUnitOfWorkFactory, PgUnitOfWorkFactory], monkeypatch: pytest.MonkeyPatch
) -> None:
    uow, _ = two
    alice = make_user()
    account = await _listening(uow, alice)
    # Deaf to notices from here on, yet still keeping: only the commit itself can clear the
    # memo now, as it must before this process answers (the notice comes later).
    await uow._notices.close()
    monkeypatch.setattr(uow._notices, "start", lambda: None)
    uow.sessions.live = True
    assert await account.session(alice.id, TOKEN) == (alice, False)
    assert uow.sessions.get(alice.id, TOKEN) is not None
    await account.sign_out(alice.id, TOKEN, SystemClock().now() + timedelta(hours=1))
    assert uow.sessions.get(alice.id, TOKEN) is None
    assert await account.session(alice.id, TOKEN) == (alice, True)


async def test_a_change_made_by_another_process_reaches_this_one(
    two: tuple[PgUnitOfWorkFactory, PgUnitOfWorkFactory], pg_clean: str
) -> None:
    here, there = two
    alice = make_user()
    account = await _listening(here, alice)
    await Account(there, SystemClock()).sign_out(
        alice.id, TOKEN, SystemClock().now() + timedelta(hours=1)
    )
    await _until(lambda: here.sessions.get(alice.id, TOKEN) is None)
    assert await account.session(alice.id, TOKEN) == (alice, True)

    other = "b" * 32
    await account.session(alice.id, other)
    with psycopg.connect(pg_clean, autocommit=True) as conn:  # by hand, outside the service
        conn.execute("UPDATE users SET active = false WHERE id = %s", (alice.id,))
    await _until(lambda: here.sessions.get(alice.id, other) is None)
    user, revoked = await account.session(alice.id, other)
    assert user is not None and not user.active and not revoked


async def test_while_the_notices_are_lost_nothing_is_kept(
    two: tuple[PgUnitOfWorkFactory, PgUnitOfWorkFactory], pg_clean: str
) -> None:
    uow, _ = two
    alice = make_user()
    await _listening(uow, alice)
    stamp = uow.sessions.stamp()
    with psycopg.connect(pg_clean, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (APPLICATION_NAME,),
        )
    await _until(lambda: uow.sessions.stamp() != stamp)  # heard the loss: cleared
    assert uow.sessions.get(alice.id, TOKEN) is None
    await _until(lambda: uow.sessions.live)  # listening again, and keeping again
    account = Account(uow, SystemClock())
    await account.session(alice.id, TOKEN)
    assert uow.sessions.get(alice.id, TOKEN) == (alice, False)


async def test_a_listener_that_cannot_hear_keeps_nothing(
    two: tuple[PgUnitOfWorkFactory, PgUnitOfWorkFactory], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As behind a pooler in transaction mode: LISTEN succeeds, no notice ever arrives."""
    uow, _ = two

    async def lost(*_: object) -> None:
        return None  # the probe goes nowhere, as every notice would

    monkeypatch.setattr(session_notices, "PROBE_TIMEOUT", 0.2)
    monkeypatch.setattr(session_notices.SessionNotices, "_send_probe", lost)
    alice = make_user()
    async with uow.system() as tx:
        await tx.users.add(alice)
        await tx.commit()
    account = Account(uow, SystemClock())
    for _ in range(3):  # the first check starts the listener; it tries, and tries again
        assert await account.session(alice.id, TOKEN) == (alice, False)
        await asyncio.sleep(0.5)
        assert not uow.sessions.live
        assert uow.sessions.get(alice.id, TOKEN) is None  # read every time instead
