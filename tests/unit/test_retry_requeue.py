"""A task that failed because the queue was restarting is retried, and its retry waits for the
queue to come back rather than being dropped; only a queue gone for good makes a dead letter."""

from __future__ import annotations

from typing import Any

from taskiq import InMemoryBroker, TaskiqMessage
from taskiq.exceptions import SendTaskError

from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.entrypoints.worker.retry import ATTEMPT, RetryMiddleware, is_transient


class RestartingQueue(InMemoryBroker):
    def __init__(self, down_for: int) -> None:
        super().__init__()
        self.down_for, self.sent = down_for, []

    async def kick(self, message: Any) -> None:
        if self.down_for:
            self.down_for -= 1
            raise ConnectionError("nats: connection closed")
        self.sent.append(message)


async def _fail_once(queue: RestartingQueue, uow: MemoryUnitOfWorkFactory) -> list[float]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def store() -> MemoryUnitOfWorkFactory:
        return uow

    middleware = RetryMiddleware(store, max_attempts=3, sleep=sleep)
    middleware.set_broker(queue)
    message = TaskiqMessage(task_id="t1", task_name="sweep-emails", labels={}, args=[], kwargs={})
    error = SendTaskError()
    await middleware.on_error(message, None, error)  # type: ignore[arg-type]
    return waits


async def test_a_send_that_failed_while_the_queue_restarted_is_retried() -> None:
    assert is_transient(SendTaskError())
    queue, uow = RestartingQueue(down_for=2), MemoryUnitOfWorkFactory()
    waits = await _fail_once(queue, uow)
    assert len(waits) == 3, "the retry's own backoff, then one wait per refused re-send"
    assert len(queue.sent) == 1 and queue.sent[0].labels[ATTEMPT] == "2"
    async with uow.system() as tx:
        assert await tx.dead_letters.list_recent() == []


async def test_a_queue_that_stays_down_leaves_a_dead_letter() -> None:
    queue, uow = RestartingQueue(down_for=100), MemoryUnitOfWorkFactory()
    await _fail_once(queue, uow)
    assert queue.sent == []
    async with uow.system() as tx:
        [letter] = await tx.dead_letters.list_recent()
    assert letter.task_name == "sweep-emails" and "SendTaskError" in letter.error
