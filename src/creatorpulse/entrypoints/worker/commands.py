"""The CLI's background-work commands: serve, api, worker, scheduler, run, jobs."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import InvalidInput, NotFound
from creatorpulse.entrypoints.settings import Settings, SettingsError
from creatorpulse.entrypoints.worker.broker import Brokers, make_brokers
from creatorpulse.entrypoints.worker.run_now import list_dead_letters, replay, run_job
from creatorpulse.entrypoints.worker.runtime import (
    run_loop,
    run_scheduler,
    run_worker,
    tune_gc,
    worker_container,
)
from creatorpulse.entrypoints.worker.work import Work


def serve(settings: Settings, host: str, port: int, *, command: str) -> int:
    """`serve`: API + in-memory queue + scheduler. `api`: with NATS_URL only the API (work
    is enqueued for the workers); without it, the API runs on-demand work in-process."""
    import uvicorn  # noqa: PLC0415

    from creatorpulse.entrypoints.http.app import create_app  # noqa: PLC0415
    from creatorpulse.entrypoints.worker.serve import QueueProvider, wire  # noqa: PLC0415
    from creatorpulse.entrypoints.worker.tasks import Tasks  # noqa: PLC0415

    split = command == "api" and settings.nats_url is not None
    if split:  # several API processes may run: they count rate limits together
        settings = msgspec.structs.replace(settings, shared_limits=True)
    brokers = make_brokers(settings.nats_url if split else None)
    app = create_app(settings, QueueProvider(Tasks(brokers)))
    wire(app, brokers, run_here=not split)
    tune_gc()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0


def _needs_nats(settings: Settings, command: str) -> str:
    if settings.nats_url is None:
        raise SettingsError(
            f"`creatorpulse {command}` needs NATS_URL (e.g. nats://127.0.0.1:4222); "
            "without it, `creatorpulse serve` runs everything in one process"
        )
    return settings.nats_url


def worker(settings: Settings) -> int:
    run_loop(run_worker(settings, make_brokers(_needs_nats(settings, "worker"))))
    return 0


def scheduler(settings: Settings) -> int:
    run_loop(run_scheduler(make_brokers(_needs_nats(settings, "scheduler"))))
    return 0


@asynccontextmanager
async def _work(settings: Settings) -> AsyncIterator[tuple[Work, Brokers]]:
    brokers = make_brokers(settings.nats_url)
    async with worker_container(settings, brokers) as (_, container):
        yield await container.get(Work), brokers


def run(settings: Settings, job: str, email: str | None, force: bool) -> int:
    async def go() -> dict[str, object]:
        async with _work(settings) as (work, _):
            return await run_job(work, job, email, force)

    try:
        print(json.dumps(asyncio.run(go()), default=str))
    except (InvalidInput, NotFound) as error:  # --user names no one
        print(f"creatorpulse run: --user {email}: {error.message}", file=sys.stderr)
        return 2
    return 0


def jobs(settings: Settings, action: str, letter_id: str | None) -> int:
    async def go() -> list[str]:
        async with _work(settings) as (work, brokers):
            if action == "dead-letters":
                return await list_dead_letters(work) or ["no dead letters"]
            name = await replay(work, _uuid(letter_id))
            for broker in brokers:  # an in-process queue: the replay runs here, now
                waiting = getattr(broker, "wait_all", None)
                if waiting is not None:
                    await waiting()
            return [f"replayed {letter_id} ({name})"]

    print("\n".join(asyncio.run(go())))
    return 0


def _uuid(raw: str | None) -> UUID:
    try:
        return UUID(raw or "")
    except ValueError:
        raise SettingsError(f"{raw!r} is not a dead letter id (a UUID)") from None
