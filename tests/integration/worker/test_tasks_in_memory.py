"""The tasks on the in-process brokers (`creatorpulse serve`): sweeps, exactly-once email,
duplicate ticks, crash reconciliation, dead letters and replay."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from harness import NOON, Shared, emails, seed_due_users, settings

from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.emails import DeliveryStatus
from creatorpulse.entrypoints.worker.broker import BoundedInMemoryBroker, in_memory_brokers
from creatorpulse.entrypoints.worker.run_now import list_dead_letters, replay
from creatorpulse.entrypoints.worker.runtime import worker_container
from creatorpulse.entrypoints.worker.tasks import SWEEP, Tasks
from creatorpulse.entrypoints.worker.work import Work


class Env:
    def __init__(self, tmp: Path, uow: MemoryUnitOfWorkFactory, clock: FixedClock) -> None:
        self.tmp, self.uow, self.clock = tmp, uow, clock
        self.outbox = tmp / "outbox"
        self.brokers = in_memory_brokers()
        self.tasks: Tasks
        self.work: Work

    async def drain(self) -> None:
        for _ in range(3):  # fan-out tasks enqueue more tasks
            for broker in self.brokers:
                await broker.wait_all()  # type: ignore[attr-defined]


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    env = Env(tmp_path, MemoryUnitOfWorkFactory(), FixedClock(NOON))
    shared = Shared(env.uow, env.clock)
    async with worker_container(settings(tmp_path), env.brokers, shared) as (tasks, container):
        env.tasks, env.work = tasks, await container.get(Work)
        yield env


async def test_the_email_sweep_sends_each_due_user_one_email_however_often_it_runs(
    env: Env,
) -> None:
    users = await seed_due_users(env.uow, 5, NOON)
    await env.tasks.sweep_emails.kiq()
    await env.drain()
    for user_id in users:  # a redelivered or retried task finds the claim and does nothing
        await env.tasks.send_daily_email.kiq(user_id=str(user_id))
        await env.tasks.send_daily_email.kiq(user_id=str(user_id), force=True)
    await env.drain()
    assert len(emails(env.outbox)) == 5
    async with env.uow.system() as tx:
        for user_id in users:
            [delivery] = await tx.deliveries.list_for_user(user_id)
            assert delivery.status is DeliveryStatus.SENT


async def test_a_second_tick_in_the_same_slot_does_nothing(env: Env) -> None:
    await seed_due_users(env.uow, 3, NOON)
    assert await env.work.due.claim_tick("sweep-emails", SWEEP)
    await env.tasks.sweep_emails.kiq()  # the duplicate scheduler's tick
    await env.drain()
    assert emails(env.outbox) == []


async def test_a_crash_between_send_and_mark_is_reconciled_not_resent(env: Env) -> None:
    [user_id] = await seed_due_users(env.uow, 1, NOON)
    cases = env.work.cases
    delivery = await cases.send_daily_email(user_id)
    assert delivery is not None
    async with env.uow.for_user(user_id) as tx:  # as if the process died before marking it
        stored = await tx.deliveries.get(delivery.id)
        assert stored is not None
        stored.status, stored.sent_at = DeliveryStatus.PENDING, None
        await tx.deliveries.update(stored)
        await tx.commit()
    await env.tasks.send_daily_email.kiq(user_id=str(user_id))
    await env.drain()
    assert len(emails(env.outbox)) == 1
    async with env.uow.for_user(user_id) as tx:
        [again] = await tx.deliveries.list_for_user(user_id)
    assert again.status is DeliveryStatus.SENT and again.attempts == 1


async def test_a_task_that_fails_for_good_is_a_dead_letter_an_operator_can_replay(
    env: Env,
) -> None:
    [user_id] = await seed_due_users(env.uow, 1, NOON)
    await env.tasks.process_style.kiq(user_id=str(user_id), job_id=str(uuid.uuid4()))
    await env.drain()
    [line] = await list_dead_letters(env.work)
    assert "process-style" in line and "permanent NotFound" in line and "pending" in line
    async with env.uow.system() as tx:
        [letter] = await tx.dead_letters.list_recent()
    assert await replay(env.work, letter.id) == "process-style"
    await env.drain()
    lines = await list_dead_letters(env.work)
    assert len(lines) == 2 and sum("replayed" in line for line in lines) == 1


async def test_the_in_process_queue_runs_a_bounded_number_of_tasks_at_once() -> None:
    """A sweep of thousands must not start thousands of tasks on a small pool at once."""
    broker = BoundedInMemoryBroker(3)
    running, most, done = 0, 0, []

    @broker.task
    async def hold(n: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        done.append(n)

    await broker.startup()
    for n in range(40):
        await hold.kiq(n)
    await broker.wait_all()
    await broker.shutdown()
    assert most == 3 and sorted(done) == list(range(40))
