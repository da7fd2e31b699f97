"""The tasks: thin wrappers around use cases, with JSON-primitive keyword arguments only.

Sweeps run on a schedule, take a claim on their slot first (a duplicate tick does nothing), and
fan out one task per user, so one slow user or feed never holds up the others.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import structlog
from dishka.integrations.taskiq import FromDishka, inject
from taskiq import AsyncBroker

from creatorpulse.domain.model.errors import InvalidInput, NotFound
from creatorpulse.domain.model.sources import SourceType
from creatorpulse.domain.use_cases.delivery_events import DeliveryEvent, DeliveryEventKind
from creatorpulse.entrypoints.worker.broker import TASK_TIMEOUT, Brokers
from creatorpulse.entrypoints.worker.work import Work

log = structlog.get_logger("creatorpulse.worker")
SWEEP = timedelta(minutes=10)
FETCH_RSS = timedelta(minutes=30)
FETCH_X = timedelta(minutes=15)
HEALTH = timedelta(minutes=30)
DAILY = timedelta(days=1)


@inject(patch_module=True)
async def sweep_emails(work: FromDishka[Work]) -> int:
    if not await work.due.claim_tick("sweep-emails", SWEEP):
        return 0
    users = await work.due.emails()
    for user_id in users:
        await work.queue.send_daily_email.kiq(user_id=str(user_id))
    return len(users)


@inject(patch_module=True)
async def sweep_drafts(work: FromDishka[Work]) -> int:
    if not await work.due.claim_tick("sweep-drafts", SWEEP):
        return 0
    users = await work.due.drafts()
    for user_id in users:
        await work.queue.generate_drafts.kiq(user_id=str(user_id))
    return len(users)


@inject(patch_module=True)
async def send_daily_email(work: FromDishka[Work], user_id: str, force: bool = False) -> str:
    try:
        delivery = await work.cases.send_daily_email(UUID(user_id), force=force)
    except NotFound:
        return "user_gone"
    return "nothing_due" if delivery is None else str(delivery.status)


@inject(patch_module=True)
async def generate_drafts(work: FromDishka[Work], user_id: str, force: bool = False) -> int:
    try:
        outcome = await work.drafts(UUID(user_id), force=force)
    except (InvalidInput, NotFound) as error:  # nothing to write from: an outcome, not a fault
        log.info("drafts_skipped", user_id=user_id, code=error.code)
        return 0
    return 0 if outcome is None else len(outcome.drafts)


@inject(patch_module=True)
async def process_style(work: FromDishka[Work], user_id: str, job_id: str) -> str:
    job = await work.cases.style_training.run(UUID(user_id), UUID(job_id))
    return str(job.status)


@inject(patch_module=True)
async def apply_delivery_event(
    work: FromDishka[Work],
    kind: str,
    delivery_id: str | None = None,
    message_id: str | None = None,
    reason: str | None = None,
) -> bool:
    event = DeliveryEvent(
        kind=DeliveryEventKind(kind), delivery_id=UUID(delivery_id) if delivery_id else None,
        message_id=message_id, reason=reason,
    )  # fmt: skip
    return await work.cases.apply_delivery_event(event)


@inject(patch_module=True)
async def fetch_sources(work: FromDishka[Work]) -> dict[str, int]:
    """RSS and Atom feeds, every 30 minutes."""
    if not await work.due.claim_tick("fetch-sources", FETCH_RSS):
        return {}
    report = _fields(await work.cases.refresh_feeds(SourceType.RSS))
    log.info("fetch_cycle", kind="rss", **report)
    return report


@inject(patch_module=True)
async def fetch_x_sources(work: FromDishka[Work]) -> dict[str, int]:
    """X handles, every 15 minutes."""
    if not await work.due.claim_tick("fetch-x-sources", FETCH_X):
        return {}
    report = _fields(await work.cases.refresh_feeds(SourceType.TWITTER))
    log.info("fetch_cycle", kind="twitter", **report)
    return report


@inject(patch_module=True)
async def source_health(work: FromDishka[Work]) -> dict[str, int]:
    if not await work.due.claim_tick("source-health", HEALTH):
        return {}
    health = _fields(await work.source_health())
    log.info("source_health", **health)
    return health


@inject(patch_module=True)
async def cleanup(work: FromDishka[Work]) -> dict[str, int]:
    if not await work.due.claim_tick("cleanup", DAILY):
        return {}
    report = _fields(await work.cases.cleanup())
    report["claims"] = await work.due.prune_claims()
    log.info("cleanup", **report)
    return report


def _fields(report: Any) -> dict[str, int]:
    return {name: getattr(report, name) for name in report.__struct_fields__}


class Tasks:
    """The tasks registered on this process's brokers, by their stable names."""

    def __init__(self, brokers: Brokers) -> None:
        i, b = brokers.interactive, brokers.bulk
        self.brokers = brokers
        self.sweep_emails = _register(i, sweep_emails, "sweep-emails", "*/10 * * * *")
        self.sweep_drafts = _register(i, sweep_drafts, "sweep-drafts", "*/10 * * * *")
        self.send_daily_email = _register(i, send_daily_email, "send-daily-email")
        self.generate_drafts = _register(i, generate_drafts, "generate-drafts")
        self.process_style = _register(i, process_style, "process-style")
        self.apply_delivery_event = _register(i, apply_delivery_event, "apply-delivery-event")
        self.fetch_sources = _register(b, fetch_sources, "fetch-sources", "*/30 * * * *")
        self.fetch_x_sources = _register(b, fetch_x_sources, "fetch-x-sources", "*/15 * * * *")
        self.source_health = _register(b, source_health, "source-health", "5,35 * * * *")
        self.cleanup = _register(b, cleanup, "cleanup", "17 3 * * *")

    def by_name(self, name: str) -> Any:
        for task in vars(self).values():
            if getattr(task, "task_name", None) == name:
                return task
        raise KeyError(name)


def _register(broker: AsyncBroker, func: Any, name: str, cron: str | None = None) -> Any:
    labels: dict[str, Any] = {"timeout": TASK_TIMEOUT.total_seconds()}
    if cron is not None:  # the schedule id is stable: the same across restarts and processes
        labels["schedule"] = [{"cron": cron, "schedule_id": name}]
    return broker.register_task(func, task_name=name, **labels)
