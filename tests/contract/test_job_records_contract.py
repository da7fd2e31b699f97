"""Job claims and dead letters: the same behaviour in memory and in PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from creatorpulse.domain.model.jobs import DeadLetter
from creatorpulse.ports.storage import UnitOfWorkFactory

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


async def _claim(uow: UnitOfWorkFactory, key: str, now: datetime, lease=None) -> bool:  # type: ignore[no-untyped-def]
    async with uow.system() as tx:
        taken = await tx.job_claims.claim(key, now, lease)
        await tx.commit()
    return taken


async def test_a_claim_is_taken_once_and_a_crashed_holders_lease_runs_out(
    uow: UnitOfWorkFactory,
) -> None:
    assert await _claim(uow, "tick:a", T0) and not await _claim(
        uow, "tick:a", T0 + timedelta(days=9)
    )
    lease = timedelta(minutes=15)
    assert await _claim(uow, "drafts:u", T0, lease)
    assert not await _claim(uow, "drafts:u", T0 + timedelta(minutes=5), lease)
    assert await _claim(uow, "drafts:u", T0 + timedelta(minutes=16), lease)
    async with uow.system() as tx:
        await tx.job_claims.finish("drafts:u", T0 + timedelta(minutes=17))
        await tx.commit()
    assert not await _claim(uow, "drafts:u", T0 + timedelta(hours=2), lease)
    async with uow.system() as tx:
        await tx.job_claims.release("drafts:u")
        assert await tx.job_claims.delete_before(T0 + timedelta(seconds=1)) == 1  # tick:a
        await tx.commit()
    assert await _claim(uow, "drafts:u", T0, lease)


async def test_dead_letters_are_listed_newest_first_and_marked_replayed(
    uow: UnitOfWorkFactory,
) -> None:
    letters = [
        DeadLetter(id=uuid.uuid4(), task_name="send-daily-email", args={"user_id": str(i)},
                   error="permanent X", attempts=5, created_at=T0 + timedelta(minutes=i))
        for i in range(3)
    ]  # fmt: skip
    async with uow.system() as tx:
        for letter in letters:
            await tx.dead_letters.add(letter)
        await tx.commit()
    async with uow.system() as tx:
        listed = await tx.dead_letters.list_recent()
        assert [d.id for d in listed] == [d.id for d in reversed(letters)]
        listed[0].mark_replayed(T0 + timedelta(hours=1))
        await tx.dead_letters.update(listed[0])
        await tx.commit()
    async with uow.system() as tx:
        again = await tx.dead_letters.get(letters[2].id)
    assert again is not None and again.replayed_at == T0 + timedelta(hours=1)
    assert again.args == {"user_id": "2"}


async def test_a_users_transaction_cannot_touch_job_records(uow: UnitOfWorkFactory) -> None:
    with pytest.raises(PermissionError):
        async with uow.for_user(uuid.uuid4()) as tx:
            await tx.dead_letters.list_recent()
