"""The API's side of the queue: `serve` runs the tasks and the scheduler in its own process
(in-memory brokers); `api` with NATS_URL only enqueues, for the `worker` processes."""

from __future__ import annotations

import asyncio
import contextlib
from uuid import UUID

from dishka import AsyncContainer, Provider, Scope, provide
from litestar import Litestar

from creatorpulse.entrypoints.container import QueueHealth
from creatorpulse.entrypoints.jobs import BackgroundJobs
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases
from creatorpulse.entrypoints.worker.broker import Brokers
from creatorpulse.entrypoints.worker.runtime import attach
from creatorpulse.entrypoints.worker.scheduler import make_schedulers, run_schedulers
from creatorpulse.entrypoints.worker.tasks import Tasks
from creatorpulse.entrypoints.worker.work import Work


class Enqueue:
    def __init__(self, tasks: Tasks) -> None:
        self._tasks = tasks

    async def process_style(self, user_id: UUID, job_id: UUID) -> None:
        await self._tasks.process_style.kiq(user_id=str(user_id), job_id=str(job_id))


class QueueProvider(Provider):
    """Overrides the API's BackgroundJobs so on-demand work goes through the tasks."""

    scope = Scope.APP

    def __init__(self, tasks: Tasks) -> None:
        super().__init__()
        self._tasks = tasks

    @provide
    def jobs(self, metrics: Metrics) -> BackgroundJobs:
        return BackgroundJobs(metrics, Enqueue(self._tasks))

    @provide
    def work(self, cases: UseCases) -> Work:
        return Work(cases, self._tasks)

    @provide
    def queue_health(self) -> QueueHealth:
        return QueueHealth(self._tasks.brokers.connected)


def wire(app: Litestar, brokers: Brokers, *, run_here: bool) -> None:
    """Start the brokers with the app; with `run_here`, also run tasks and the scheduler here."""
    ticking: list[asyncio.Task[None]] = []

    async def start() -> None:
        if run_here:
            container: AsyncContainer = app.state.dishka_container
            attach(brokers, container)
            for broker in brokers:
                broker.is_worker_process = True
        await brokers.startup()
        if run_here:
            ticking.append(asyncio.create_task(run_schedulers(make_schedulers(brokers))))

    async def stop() -> None:
        for task in ticking:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await brokers.shutdown()

    app.on_startup.append(start)
    app.on_shutdown.insert(0, stop)
