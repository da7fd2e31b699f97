"""Flaky upstreams: SendGrid fails 30% of sends and Gemini 20% of calls while N creators get
today's drafts and email through the real worker path. Every email must arrive exactly once.

    .venv/bin/python -m benchmarks.faults_upstreams [--users 200] [--seed 11]

The worker is the real one in this process (tasks, retry middleware, dishka container) on a
NATS JetStream server and PostgreSQL; the real `sendgrid` and `google-genai` clients talk to
local fakes of the two APIs (tests/fakes) that fail a seeded share of calls: SendGrid with
429 + Retry-After, 500, a hang past the client timeout before accepting, and a hang after
accepting (the nasty one: only the activity lookup can tell it went out); Gemini with 429 +
RetryInfo, 500, 503 + Retry-After and hangs. As the scheduler's next tick would, the sweeps
run again whenever the queue has run dry with work missing. `tests/e2e/test_faults.py` runs it
small; the figures are counted at the fakes.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import random
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from dishka import Provider, Scope, provide
from taskiq.receiver import Receiver

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:  # the fakes of the upstream APIs live with the tests
    sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worker_crash import (  # noqa: E402
    due_user,
    due_zone,
    nats_server,
    release_sweep_slot,
)
from creatorpulse.adapters.gemini.client import make_client  # noqa: E402
from creatorpulse.adapters.gemini.embedder import GeminiEmbedder  # noqa: E402
from creatorpulse.adapters.gemini.generator import GeminiDraftGenerator  # noqa: E402
from creatorpulse.adapters.gemini.rate_limit import RateLimiter  # noqa: E402
from creatorpulse.adapters.mail.sendgrid import SendGridMailer  # noqa: E402
from creatorpulse.adapters.postgres.database import Database  # noqa: E402
from creatorpulse.domain.model.items import FetchedItem, SourceItem  # noqa: E402
from creatorpulse.domain.model.sources import Source  # noqa: E402
from creatorpulse.domain.model.style import StylePost  # noqa: E402
from creatorpulse.entrypoints.settings import Settings  # noqa: E402
from creatorpulse.entrypoints.worker.broker import CONCURRENCY, nats_brokers  # noqa: E402
from creatorpulse.entrypoints.worker.runtime import worker_container  # noqa: E402
from creatorpulse.entrypoints.worker.tasks import Tasks  # noqa: E402
from creatorpulse.ports.embedder import Embedder  # noqa: E402
from creatorpulse.ports.generator import DraftGenerator  # noqa: E402
from creatorpulse.ports.mailer import Mailer  # noqa: E402
from fakes import gemini, sendgrid  # noqa: E402
from fakes.faults import Faults  # noqa: E402

SENDER = "CreatorPulse <drafts@creatorpulse.example>"
MAIL_FAULTS = ("retry_after", "server_error", "hang", "deliver_then_hang")
LLM_FAULTS = ("rate_limited", "server_error", "unavailable_retry_after", "hang")
CLIENT_TIMEOUT = 1.0  # both clients' request timeout; a hang holds the connection 2 s
ITEM = (
    "Small changes, big launches: a survey of two hundred engineering teams found that "
    "shipping every week beat planning quarterly releases on almost every measure."
)
POST = ("Number {n}: our standup moved to Tuesdays and nobody missed the other four. Meetings "
        "are a tool, not a ritual; we keep the ones that earn their place.")  # fmt: skip


@dataclass(frozen=True)
class UpstreamFigures:
    users: int
    mail_calls: int
    mail_failures: int  # injected at the SendGrid fake
    mail_late_accepts: int  # of which: accepted, answered too late (must not be sent again)
    llm_calls: int
    llm_failures: int  # injected at the Gemini fake
    retries: int  # send attempts beyond the first, per delivery, summed
    min_delay: float  # shortest wait between two attempts of one delivery, seconds
    max_delay: float  # longest
    waits_by_retry: tuple[float, ...]  # mean wait before the 1st, 2nd, … retry, seconds
    retry_after_honoured: int  # retries after a 429 with Retry-After that waited at least that
    retry_after_ignored: int
    duplicates: int  # emails beyond the first for a creator, counted at the fake
    missing: int  # creators with no accepted email
    sweeps: int
    seconds: float

    def line(self) -> str:
        return "  ".join(f"{k}={v}" for k, v in asdict(self).items())


class FlakyUpstreams(Provider):
    """The real adapters, with short client timeouts, pointed at the fakes."""

    scope = Scope.APP

    def __init__(
        self, sendgrid_url: str, gemini_url: str, settle: float, timeout: float = CLIENT_TIMEOUT
    ) -> None:
        super().__init__()
        self._sendgrid_url, self._gemini_url, self._settle = sendgrid_url, gemini_url, settle
        self._timeout = timeout
        self._budget = RateLimiter(max_concurrent=8, requests_per_minute=60_000)

    @provide
    def mailer(self) -> Mailer:
        return SendGridMailer(
            sendgrid.API_KEY, SENDER, base_url=self._sendgrid_url, timeout=self._timeout,
            unanswered_wait=self._settle,
        )  # fmt: skip

    @provide
    def embedder(self) -> Embedder:
        client = make_client(gemini.API_KEY, base_url=self._gemini_url, timeout=self._timeout)
        return GeminiEmbedder(client, limiter=self._budget)

    @provide
    def generator(self) -> DraftGenerator:
        client = make_client(gemini.API_KEY, base_url=self._gemini_url, timeout=self._timeout)
        return GeminiDraftGenerator(client, limiter=self._budget)


async def seed_creators(
    owner_url: str, count: int, rng: random.Random,
    feed_url: Callable[[int], str] = "https://feeds.example.com/{}.xml".format,
) -> dict[str, uuid.UUID]:  # fmt: skip
    """Creators due for today's email, trained (10 processed posts), one fresh item each."""
    now = datetime.now(UTC)
    zone, at = due_zone(now)
    database = Database(owner_url, max_connections=2)
    uow = await database.open()
    creators: dict[str, uuid.UUID] = {}
    try:
        async with uow.system() as tx:
            for number in range(count):
                user = due_user(f"flaky{number:04d}@example.com", zone, at, rng, now)
                await tx.users.add(user)
                for n in range(10):
                    post = StylePost.create(
                        id=uuid.uuid4(), user_id=user.id, content=POST.format(n=n), now=now
                    )
                    post.mark_processed(now)
                    await tx.style_posts.add(post)
                source = Source.create(
                    id=uuid.uuid4(), user_id=user.id, type="rss",
                    url=feed_url(number), name="Team notes", now=now,
                )  # fmt: skip
                await tx.sources.add(source)
                fetched = FetchedItem("Small changes", ITEM, None, now - timedelta(hours=1))
                await tx.items.add_new([SourceItem.create(
                    id=uuid.uuid4(), source_id=source.id, user_id=user.id, item=fetched,
                    content=ITEM, now=now,
                )])  # fmt: skip
                creators[user.email] = user.id
            await tx.commit()
    finally:
        await database.close()
    return creators


def drafted(owner_url: str) -> set[uuid.UUID]:
    with psycopg.connect(owner_url, autocommit=True) as conn:
        return {u for (u,) in conn.execute("SELECT DISTINCT user_id FROM generated_drafts")}


class UpstreamRun:
    def __init__(self, owner_url: str, tasks: Tasks, mail: sendgrid.SendGridFake) -> None:
        self.owner_url, self.tasks, self.mail = owner_url, tasks, mail
        self.sweeps = 0

    async def idle(self) -> bool:
        consumer = self.tasks.brokers.interactive.consumer  # type: ignore[attr-defined]
        info = await consumer.consumer_info()
        return (info.num_pending, info.num_ack_pending) == (0, 0)

    async def until(
        self, done: Callable[[], bool], again: Callable[[], Awaitable[None]], within: float
    ) -> None:
        """Wait for `done()`; whenever the queue runs dry first, `again()` (the next tick)."""
        deadline = time.monotonic() + within
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError(f"not done after {within} s")
            if await self.idle():
                await asyncio.sleep(0.3)
                if await self.idle() and not done():
                    await again()
            await asyncio.sleep(0.05)

    async def draft_for(self, creators: dict[str, uuid.UUID]) -> None:
        missing = set(creators.values()) - await asyncio.to_thread(drafted, self.owner_url)
        for user_id in missing:
            await self.tasks.generate_drafts.kiq(user_id=str(user_id), force=True)
        self.sweeps += 1

    async def sweep_emails(self) -> None:
        await asyncio.to_thread(release_sweep_slot, self.owner_url)
        await self.tasks.sweep_emails.kiq()
        self.sweeps += 1

    async def run(self, creators: dict[str, uuid.UUID], within: float) -> None:
        everyone = set(creators.values())
        have: set[uuid.UUID] = set()

        def all_drafted() -> bool:
            have.update(drafted(self.owner_url))
            return have >= everyone

        await self.draft_for(creators)
        await self.until(all_drafted, lambda: self.draft_for(creators), within)
        await self.sweep_emails()
        await self.until(lambda: all(self.mail.delivered_to().get(a) for a in creators),
                         self.sweep_emails, within)  # fmt: skip
        settle = time.monotonic() + 30
        while not await self.idle() and time.monotonic() < settle:  # noqa: ASYNC110
            await asyncio.sleep(0.1)  # a duplicate would be sent now


@asynccontextmanager
async def worker(settings: Settings, nats_url: str, *upstreams: Provider) -> AsyncIterator[Tasks]:
    # taskiq logs each injected failure with its traceback; the figures say what happened.
    logging.getLogger("taskiq").setLevel(logging.CRITICAL)
    brokers = nats_brokers(nats_url, prefix=f"faults{uuid.uuid4().hex[:8]}")
    async with worker_container(settings, brokers, *upstreams) as (tasks, _):
        stop = asyncio.Event()
        receivers = [
            asyncio.create_task(
                Receiver(b, max_async_tasks=CONCURRENCY[name], run_startup=False).listen(stop)
            )
            for name, b in zip(("interactive", "bulk"), brokers, strict=True)
        ]
        try:
            yield tasks
        finally:
            for receiver in receivers:
                receiver.cancel()
            await asyncio.gather(*receivers, return_exceptions=True)


def figures(
    creators: dict[str, uuid.UUID], mail: sendgrid.SendGridFake, llm: gemini.GeminiFake,
    sweeps: int, seconds: float,
) -> UpstreamFigures:  # fmt: skip
    by_delivery: dict[str, list[sendgrid.Call]] = {}
    for call in mail.calls:
        by_delivery.setdefault(call.delivery_id, []).append(call)
    gaps: dict[int, list[float]] = {}
    honoured, ignored = 0, 0
    wanted = float(mail.retry_after)
    for calls in by_delivery.values():
        for retry, (before, after) in enumerate(itertools.pairwise(calls)):
            gaps.setdefault(retry, []).append(after.at - before.at)
            if before.behaviour == "retry_after":
                ok = after.at - before.at >= wanted - 0.05
                honoured, ignored = honoured + ok, ignored + (not ok)
    counts = mail.delivered_to()
    assert mail.faults is not None and llm.faults is not None
    return UpstreamFigures(
        users=len(creators), mail_calls=len(mail.calls), mail_failures=mail.faults.injected,
        mail_late_accepts=mail.faults.drawn["deliver_then_hang"],
        llm_calls=sum(llm.faults.drawn.values()), llm_failures=llm.faults.injected,
        retries=sum(len(c) - 1 for c in by_delivery.values()),
        min_delay=round(min(min(g) for g in gaps.values()), 2) if gaps else 0.0,
        max_delay=round(max(max(g) for g in gaps.values()), 2) if gaps else 0.0,
        waits_by_retry=tuple(round(sum(gaps[r]) / len(gaps[r]), 2) for r in sorted(gaps)),
        retry_after_honoured=honoured,
        retry_after_ignored=ignored,
        duplicates=sum(max(0, counts.get(a, 0) - 1) for a in creators),
        missing=sum(1 for a in creators if not counts.get(a)), sweeps=sweeps,
        seconds=round(seconds, 1),
    )  # fmt: skip


async def upstream_run(
    owner_url: str, nats_url: str, workdir: Path, *, users: int, seed: int, within: float = 600
) -> UpstreamFigures:
    started = time.monotonic()
    creators = await seed_creators(owner_url, users, random.Random(seed))
    mail = sendgrid.SendGridFake(faults=Faults(0.3, MAIL_FAULTS, seed), retry_after="1")
    llm = gemini.GeminiFake(faults=Faults(0.2, LLM_FAULTS, seed + 1), retry_delay="0.5s")
    settings = Settings(data_dir=workdir / "data", outbox_dir=workdir / "outbox",
                        database_url=owner_url)  # fmt: skip
    async with AsyncExitStack() as stack:
        mail_url, _ = stack.enter_context(sendgrid.sendgrid_server(mail))
        llm_url, _ = stack.enter_context(gemini.gemini_server(llm))
        upstreams = FlakyUpstreams(mail_url, llm_url, settle=0.5)
        tasks = await stack.enter_async_context(worker(settings, nats_url, upstreams))
        run = UpstreamRun(owner_url, tasks, mail)
        await run.run(creators, within)
    return figures(creators, mail, llm, run.sweeps, time.monotonic() - started)


def upstreams_run(owner_url: str, workdir: Path, *, users: int, seed: int) -> UpstreamFigures:
    """One run on a fresh NATS server and the (clean, migrated) database at `owner_url`."""
    (workdir / "nats").mkdir(parents=True, exist_ok=True)
    with nats_server(workdir / "nats") as nats_url:
        return asyncio.run(upstream_run(owner_url, nats_url, workdir, users=users, seed=seed))


def run(argv: list[str] | None = None) -> list[object]:
    from benchmarks.common import Figure, embedded_database  # noqa: PLC0415

    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cp-faults-") as tmp, \
            embedded_database("faults-upstreams") as url:  # fmt: skip
        f = upstreams_run(url, Path(tmp), users=args.users, seed=args.seed)
    print(f.line())
    name = "faults_upstreams"
    setup = f"{f.users} users; SendGrid failing {f.mail_failures}/{f.mail_calls}"
    return [
        Figure(name, "flaky upstreams: duplicate emails", f.duplicates, "emails", f"0 ({setup})",
               passed=f.duplicates == 0),
        Figure(name, "flaky upstreams: missing emails", f.missing, "users",
               f"0 (Gemini failing {f.llm_failures}/{f.llm_calls})", passed=f.missing == 0),
        Figure(name, "flaky upstreams: send retries", f.retries, "retries",
               f"max wait {f.max_delay} s; Retry-After honoured {f.retry_after_honoured}/"
               f"{f.retry_after_honoured + f.retry_after_ignored}",
               passed=f.retry_after_ignored == 0 and f.retries > 0),
        Figure(name, "flaky upstreams: run time", f.seconds, "s", f"{f.sweeps} sweeps"),
    ]  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults_upstreams")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    return parser


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table(run(sys.argv[1:])))  # type: ignore[arg-type]
