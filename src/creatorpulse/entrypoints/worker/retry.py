"""Retries with exponential backoff and jitter for transient failures; dead letters for the rest.

The wait happens inside the failed delivery, before it is acknowledged: if the worker dies
while waiting, the broker redelivers the original, so a retry is never lost.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
import structlog
from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker

from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.domain.model.jobs import DeadLetter
from creatorpulse.entrypoints.worker.broker import RETRY_DELAY_CAP
from creatorpulse.ports.storage import UnitOfWorkFactory

log = structlog.get_logger("creatorpulse.worker")
ATTEMPT = "attempt"
MAX_ATTEMPTS = 5
BASE_DELAY = 2.0
_INTERNAL_LABELS = ("dishka_container_id",)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, UpstreamError):
        return error.transient
    # SendTaskError: a task (a sweep, say) could not enqueue its follow-ups while NATS was
    # restarting; the client reconnects by itself.
    return isinstance(
        error, (TimeoutError, ConnectionError, psycopg.OperationalError, SendTaskError)
    )


def backoff(attempt: int, error: BaseException, rng: Callable[[], float] = random.random) -> float:
    """Full-jitter exponential backoff (2, 4, 8 … s, capped), never sooner than Retry-After."""
    cap = RETRY_DELAY_CAP.total_seconds()
    delay = min(cap, BASE_DELAY * 2 ** (attempt - 1)) * (0.5 + rng() / 2)
    retry_after = error.retry_after if isinstance(error, UpstreamError) else None
    return float(min(cap, max(delay, retry_after or 0.0)))


def task_args(message: TaskiqMessage) -> dict[str, Any]:
    """A task's arguments as JSON (our tasks take keyword arguments only)."""
    return {**{f"_{i}": a for i, a in enumerate(message.args)}, **message.kwargs}


class RetryMiddleware(TaskiqMiddleware):
    def __init__(
        self,
        uow: Callable[[], Awaitable[UnitOfWorkFactory]],
        *,
        max_attempts: int = MAX_ATTEMPTS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__()
        self._uow, self._max, self._sleep = uow, max_attempts, sleep

    async def on_error(
        self, message: TaskiqMessage, result: TaskiqResult[Any], exception: BaseException
    ) -> None:
        attempt = int(message.labels.get(ATTEMPT, 1))
        if is_transient(exception) and attempt < self._max:
            delay = backoff(attempt, exception)
            log.warning("task_retry", task=message.task_name, attempt=attempt, delay=delay,
                        error=_reason(exception))  # fmt: skip
            await self._sleep(delay)
            labels = {k: v for k, v in message.labels.items() if k not in _INTERNAL_LABELS}
            kicker: AsyncKicker[Any, Any] = AsyncKicker(
                task_name=message.task_name, broker=self.broker, labels=labels
            )
            retry = kicker.with_labels(**{ATTEMPT: attempt + 1})
            for tries in range(1, self._max + 1):  # the queue itself may be restarting
                try:
                    await retry.kiq(**message.kwargs)
                    return
                except SendTaskError as error:
                    exception = error
                    await self._sleep(backoff(tries, error))
        await self.dead_letter(message.task_name, task_args(message), exception, attempt)

    async def dead_letter(
        self, task: str, args: dict[str, Any], error: BaseException, attempts: int
    ) -> None:
        reason = _reason(error)
        log.error("task_dead_letter", task=task, attempts=attempts, error=reason)
        letter = DeadLetter(
            id=uuid.uuid4(), task_name=task, args=args, error=reason, attempts=attempts,
            created_at=datetime.now(UTC),
        )  # fmt: skip
        async with (await self._uow()).system() as tx:
            await tx.dead_letters.add(letter)
            await tx.commit()


def _reason(error: BaseException) -> str:
    code = getattr(error, "code", None)
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    kind = "transient" if is_transient(error) else "permanent"
    return f"{kind} {type(error).__name__}{f' [{code}]' if code else ''}: {text}"[:2000]
