"""Work the API triggers but does not wait for: handed to the task queue when this process has
one (`serve`: in-process broker; `api` with NATS_URL: the workers), else run here."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from uuid import UUID

import structlog

from creatorpulse.domain.model.errors import DomainError
from creatorpulse.entrypoints.metrics import Metrics

log = structlog.get_logger("creatorpulse.jobs")


class TaskQueue(Protocol):
    async def process_style(self, user_id: UUID, job_id: UUID) -> None: ...


class BackgroundJobs:
    def __init__(self, metrics: Metrics, queue: TaskQueue | None = None) -> None:
        self._metrics, self._queue = metrics, queue
        self._tasks: set[asyncio.Task[None]] = set()

    async def process_style(
        self, user_id: UUID, job_id: UUID, run_here: Callable[[], Awaitable[Any]]
    ) -> None:
        """Train a style: through the `process-style` task when there is a queue."""
        if self._queue is None:
            self.submit("process-style", run_here)
        else:
            await self._queue.process_style(user_id, job_id)

    def submit(self, job: str, work: Callable[[], Awaitable[Any]]) -> None:
        task = asyncio.get_running_loop().create_task(self._run(job, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: str, work: Callable[[], Awaitable[Any]]) -> None:
        started = time.perf_counter()
        outcome = "ok"
        try:
            await work()
        except DomainError as error:
            outcome = "failed"
            log.warning("job_failed", job=job, code=error.code, message=error.message)
        except Exception as error:  # a job must never take the process down
            outcome = "failed"
            log.error("job_crashed", job=job, error_type=type(error).__name__)
        finally:
            self._metrics.job_runs.labels(job, outcome).inc()
            self._metrics.job_duration.labels(job).observe(time.perf_counter() - started)

    async def drain(self, within: float = 30.0) -> None:
        """Wait for running jobs (at shutdown, and in tests)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)
