"""The scheduler: one per deployment. It only enqueues; each sweep's claim on its slot makes a
second scheduler started by mistake harmless (its ticks find the slot taken and do nothing)."""

from __future__ import annotations

import asyncio

from taskiq import TaskiqScheduler
from taskiq.cli.scheduler.run import SchedulerLoop
from taskiq.schedule_sources import LabelScheduleSource

from creatorpulse.entrypoints.worker.broker import Brokers


def make_schedulers(brokers: Brokers) -> list[TaskiqScheduler]:
    """One per queue: a scheduler kicks onto its own broker, and each task lives on one queue."""
    return [TaskiqScheduler(broker, sources=[LabelScheduleSource(broker)]) for broker in brokers]


async def run_schedulers(schedulers: list[TaskiqScheduler]) -> None:
    """Tick forever (cron in UTC, checked every second), enqueueing what is due."""
    for scheduler in schedulers:
        for source in scheduler.sources:
            await source.startup()
    await asyncio.gather(*(SchedulerLoop(s).run(skip_first_run=True) for s in schedulers))
