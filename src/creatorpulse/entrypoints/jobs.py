"""Work the API triggers but does not wait for, run in this process (`creatorpulse serve`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from creatorpulse.domain.model.errors import DomainError
from creatorpulse.entrypoints.metrics import Metrics

log = structlog.get_logger("creatorpulse.jobs")


class BackgroundJobs:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._tasks: set[asyncio.Task[None]] = set()

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
