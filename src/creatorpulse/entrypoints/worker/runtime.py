"""The processes: `worker` (runs tasks), `scheduler` (enqueues them), and the queue that `api`
and `serve` hand on-demand work to. One container per process, from the composition root."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import uvloop
from dishka import AsyncContainer, Provider, Scope, provide
from dishka.integrations.taskiq import setup_dishka
from taskiq.receiver import Receiver

from creatorpulse.entrypoints.container import make_container
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases
from creatorpulse.entrypoints.worker.broker import CONCURRENCY, Brokers
from creatorpulse.entrypoints.worker.retry import RetryMiddleware
from creatorpulse.entrypoints.worker.scheduler import make_schedulers, run_schedulers
from creatorpulse.entrypoints.worker.tasks import Tasks
from creatorpulse.entrypoints.worker.work import Work
from creatorpulse.ports.storage import UnitOfWorkFactory

T = TypeVar("T")
# Container allocations between young-generation collections (CPython's default: 700). A day's
# work allocates millions of short-lived containers, and at 700 the collector ran ~2,000 times
# per 1,000 creators, a dozen of them full passes over every object of the process: ~4 s of
# 45 s of CPU (benchmarks/daily_scale, 2026-11-26). At 50,000 it runs ~15 times; what it would
# find is reference cycles, which our code rarely makes, so memory stays where it was (peak
# RSS 274 MiB either way).
YOUNG_COLLECTION_THRESHOLD = 50_000


def tune_gc() -> None:
    """Collect young garbage less often (see YOUNG_COLLECTION_THRESHOLD), for every
    long-lived process: worker, scheduler, serve and api."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run a long-lived process on uvloop, the event loop `serve` and `api` get from uvicorn:
    a scoped search through the adapter took ~18% less client CPU on it than on the standard
    loop (measured 2026-11-26 with 3,000 calls)."""
    tune_gc()
    return uvloop.run(main)


class WorkerProvider(Provider):
    scope = Scope.APP

    def __init__(self, tasks: Tasks) -> None:
        super().__init__()
        self._tasks = tasks

    @provide
    def tasks(self) -> Tasks:
        return self._tasks

    @provide
    def work(self, cases: UseCases) -> Work:
        return Work(cases, self._tasks)


def attach(brokers: Brokers, container: AsyncContainer) -> None:
    """Tasks resolve their dependencies from `container`; failures retry or become dead letters."""

    async def uow() -> UnitOfWorkFactory:
        factory: UnitOfWorkFactory = await container.get(UnitOfWorkFactory)
        return factory

    for broker in brokers:
        setup_dishka(container, broker)
        broker.add_middlewares(RetryMiddleware(uow))


@asynccontextmanager
async def worker_container(
    settings: Settings, brokers: Brokers, *overrides: Provider
) -> AsyncIterator[tuple[Tasks, AsyncContainer]]:
    tasks = Tasks(brokers)
    container = make_container(settings, WorkerProvider(tasks), *overrides)
    attach(brokers, container)
    try:
        await container.get(Work)  # open the store (and migrate) before the first task
        for broker in brokers:
            broker.is_worker_process = True
        await brokers.startup()
        yield tasks, container
    finally:
        await brokers.shutdown()
        await container.close()


async def run_worker(settings: Settings, brokers: Brokers, *overrides: Provider) -> None:
    import asyncio  # noqa: PLC0415

    async with worker_container(settings, brokers, *overrides):
        stop = asyncio.Event()
        receivers = [
            Receiver(broker, max_async_tasks=CONCURRENCY[name], run_startup=False)
            for name, broker in zip(("interactive", "bulk"), brokers, strict=True)
        ]
        await asyncio.gather(*(r.listen(stop) for r in receivers))


async def run_scheduler(brokers: Brokers) -> None:
    Tasks(brokers)  # registers every task (and its schedule label) on its queue
    await brokers.startup()
    try:
        await run_schedulers(make_schedulers(brokers))
    finally:
        await brokers.shutdown()
