"""Workers on a real NATS JetStream server: the work is split without duplicates, and a task
whose worker dies before acking is redelivered without a second email."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

from harness import NOON, Shared, emails, seed_due_users, settings
from taskiq.receiver import Receiver

from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock
from creatorpulse.entrypoints.worker.broker import nats_brokers
from creatorpulse.entrypoints.worker.runtime import worker_container


async def _until(check, within: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_two_workers_on_one_stream_split_the_work_without_duplicates(
    nats_url: str, tmp_path: Path
) -> None:
    uow, clock = MemoryUnitOfWorkFactory(), FixedClock(NOON)
    users = await seed_due_users(uow, 30, NOON)
    prefix = f"t{uuid.uuid4().hex[:8]}"
    stop = asyncio.Event()
    async with (
        worker_container(settings(tmp_path), nats_brokers(nats_url, prefix=prefix),
                         Shared(uow, clock)) as (tasks_a, _),
        worker_container(settings(tmp_path), nats_brokers(nats_url, prefix=prefix),
                         Shared(uow, clock)) as (tasks_b, _),
    ):  # fmt: skip
        listeners = [
            asyncio.create_task(Receiver(t.brokers.interactive, run_startup=False).listen(stop))
            for t in (tasks_a, tasks_b)
        ]
        await tasks_a.sweep_emails.kiq()
        for user_id in users:  # each send also enqueued a second time: still one email each
            await tasks_b.send_daily_email.kiq(user_id=str(user_id))
        await _until(lambda: len(emails(tmp_path / "outbox")) >= 30)
        await asyncio.sleep(1.0)  # let stragglers (the duplicates) finish
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    assert len(emails(tmp_path / "outbox")) == 30
    async with uow.system() as tx:
        for user_id in users:
            assert len(await tx.deliveries.list_for_user(user_id)) == 1


async def test_a_task_redelivered_after_its_worker_died_sends_no_second_email(
    nats_url: str, tmp_path: Path
) -> None:
    uow, clock = MemoryUnitOfWorkFactory(), FixedClock(NOON)
    [user_id] = await seed_due_users(uow, 1, NOON)
    prefix = f"t{uuid.uuid4().hex[:8]}"
    brokers = nats_brokers(nats_url, prefix=prefix, ack_wait=timedelta(seconds=2))
    async with worker_container(settings(tmp_path), brokers, Shared(uow, clock)) as (tasks, c):
        # The first worker sends, then "dies" before acking: pull the message and never ack.
        await tasks.send_daily_email.kiq(user_id=str(user_id))
        broker = tasks.brokers.interactive
        [message] = await broker.consumer.fetch(batch=1, timeout=5)  # type: ignore[attr-defined]
        from creatorpulse.entrypoints.worker.work import Work  # noqa: PLC0415

        await (await c.get(Work)).cases.send_daily_email(user_id)
        assert len(emails(tmp_path / "outbox")) == 1
        # ack_wait passes; JetStream redelivers to the next worker, which finds the claim.
        stop = asyncio.Event()
        listener = asyncio.create_task(Receiver(broker, run_startup=False).listen(stop))
        info = None
        for _ in range(100):
            info = await broker.consumer.consumer_info()  # type: ignore[attr-defined]
            if info.num_ack_pending == 0 and info.delivered.consumer_seq >= 2:
                break
            await asyncio.sleep(0.1)
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        assert message.metadata.num_delivered == 1
        # delivered twice (the second time after ack_wait), and acked by the second worker
        assert info is not None and info.delivered.consumer_seq == 2
        assert info.num_ack_pending == 0 and info.num_pending == 0
    assert len(emails(tmp_path / "outbox")) == 1
