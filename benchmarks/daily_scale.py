"""The whole daily run at scale: every creator's drafts written and daily email sent.

    .venv/bin/python -m benchmarks.daily_scale [--users 10000] [--concurrency 16] [--profile F]

Seeds a throwaway embedded PostgreSQL (`daily_scale_seed`: N creators with 5 sources, 12 fresh
items per source and 20 embedded style posts each; not timed), then runs the day in this
process, through the worker's composition root (`make_container`) and the very calls its tasks
make — not through NATS: the `sweep-drafts` question (`DueWork.drafts`) and `ScheduledDrafts`
for each due user (the `generate-drafts` task), then, an hour later on the run's clock, the
`sweep-emails` question (`DueWork.emails`) and `SendDailyEmail` for each (the
`send-daily-email` task). Per-user work runs `--concurrency` at a time (the worker's interactive
queue runs 16 tasks at once) over the worker's connection pool, with the local embedder and
writer and the outbox mailer. Counted at the end: one `.eml` per creator, no more.

`--processes N` runs the day in N processes, as N `creatorpulse worker` processes on the machine
would share the queue: each takes every N-th due creator, each phase starts in all of them at
once (a barrier), and a phase lasts until the slowest is done. CPU is summed, memory is the
largest process's.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing
import pstats
import re
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from dishka import Provider, Scope, provide

from benchmarks.common import Figure, embedded_database, verdict
from benchmarks.daily_scale_seed import Shape, seed
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.errors import DomainError, InvalidInput, NotFound
from creatorpulse.domain.model.jobs import GENERATION_LEAD
from creatorpulse.entrypoints.container import make_container
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases
from creatorpulse.entrypoints.worker.runtime import CONCURRENCY, run_loop
from creatorpulse.entrypoints.worker.work import Work
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.embedder import Embedder

NAME = "daily_scale"
GOAL_SECONDS, GOAL_USERS = 300.0, 10_000
MOMENT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # drafts are due now, emails an hour later
_TO = re.compile(rb"^To: (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class DayFigures:
    users: int
    seeding: float
    drafts: float
    emails: float
    cpu: float
    drafts_written: int
    outcomes: dict[str, int]
    embedded: str
    emails_written: int
    recipients_once: int  # creators with exactly one daily email
    peak_rss_mib: float

    @property
    def total(self) -> float:
        return self.drafts + self.emails


class RunClock(Provider):
    """The run's clock: the moment drafts are due, moved on an hour for the emails."""

    scope = Scope.APP

    def __init__(self, clock: FixedClock) -> None:
        super().__init__()
        self._clock = clock

    @provide
    def clock(self) -> Clock:
        return self._clock


async def fan_out(
    users: Sequence[UUID], job: Callable[[UUID], Awaitable[str]], concurrency: int
) -> Counter[str]:
    """Runs `job` for every user, `concurrency` at a time, counting outcomes (and error codes)."""
    outcomes: Counter[str] = Counter()
    pending = iter(users)

    async def worker() -> None:
        for user_id in pending:
            try:
                outcomes[await job(user_id)] += 1
            except DomainError as error:  # a task would retry these; here they are counted
                outcomes[f"error:{error.code}"] += 1
            except Exception as error:  # a bug: counted, and the first of each kind shown
                kind = f"crash:{type(error).__name__}"
                if not outcomes[kind]:
                    traceback.print_exception(error)
                outcomes[kind] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes


@dataclass(frozen=True)
class Phases:
    drafts: float
    emails: float
    cpu: float  # this process's CPU seconds over both phases (the database's are not counted)
    outcomes: Counter[str]
    embedded: str  # how many item texts were embedded, of how many asked for


def _mine(users: Sequence[UUID], part: tuple[int, int]) -> list[UUID]:
    """This process's share of the due creators: every `of`-th, from `index`."""
    index, of = part
    return [user for n, user in enumerate(users) if n % of == index]


async def run_day(
    owner_url: str, root: Path, concurrency: int, clock: FixedClock,
    part: tuple[int, int] = (0, 1), barrier: Any = None,
) -> Phases:  # fmt: skip
    settings = Settings(data_dir=root / "data", outbox_dir=root / "outbox", database_url=owner_url)
    container = make_container(settings, RunClock(clock))

    def together() -> None:  # every process starts the phase at the same moment
        if barrier is not None:
            barrier.wait()

    try:
        work = Work(await container.get(UseCases))

        async def drafts(user_id: UUID) -> str:  # what the generate-drafts task does
            try:
                outcome = await work.drafts(user_id)
            except (InvalidInput, NotFound) as error:
                return f"skipped:{error.code}"
            return "written" if outcome is not None and outcome.drafts else "none"

        async def email(user_id: UUID) -> str:  # what the send-daily-email task does
            delivery = await work.cases.send_daily_email(user_id)
            return "nothing_due" if delivery is None else str(delivery.status)

        together()
        cpu, started = time.process_time(), time.perf_counter()
        outcomes = await fan_out(_mine(await work.due.drafts(), part), drafts, concurrency)
        drafted = time.perf_counter()
        clock.advance(GENERATION_LEAD)
        together()
        emailing = time.perf_counter()
        outcomes += await fan_out(_mine(await work.due.emails(), part), email, concurrency)
        finished = time.perf_counter()
        embedder = await container.get(Embedder)
        hits, misses = getattr(embedder, "hits", 0), getattr(embedder, "misses", 0)
        return Phases(
            drafts=drafted - started, emails=finished - emailing, cpu=time.process_time() - cpu,
            outcomes=outcomes, embedded=f"{misses:,} of {hits + misses:,}",
        )  # fmt: skip
    finally:
        await container.close()


def count_emails(outbox: Path) -> tuple[int, int]:
    """Daily emails in the outbox, and how many creators got exactly one."""
    files = list(outbox.glob("*-daily_drafts-*.eml")) if outbox.is_dir() else []
    recipients: Counter[bytes] = Counter()
    for path in files:
        head = path.read_bytes()[:4096]
        if found := _TO.search(head):
            recipients[found.group(1).strip()] += 1
    return len(files), sum(1 for n in recipients.values() if n == 1)


def _process_day(
    owner_url: str, root: Path, concurrency: int, part: tuple[int, int], barrier: Any
) -> Phases:
    return run_loop(run_day(owner_url, root, concurrency, FixedClock(MOMENT), part, barrier))


def _in_processes(owner_url: str, root: Path, concurrency: int, processes: int) -> Phases:
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(processes)
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        runs = [pool.submit(_process_day, owner_url, root, concurrency, (n, processes), barrier)
                for n in range(processes)]  # fmt: skip
        phases = [run.result() for run in runs]
    return Phases(
        drafts=max(p.drafts for p in phases), emails=max(p.emails for p in phases),
        cpu=sum(p.cpu for p in phases), outcomes=sum((p.outcomes for p in phases), Counter()),
        embedded=" + ".join(p.embedded for p in phases),
    )  # fmt: skip


def day_on(
    owner_url: str, shape: Shape, concurrency: int, profile: Path | None = None,
    processes: int = 1,
) -> DayFigures:  # fmt: skip
    """Seeds `shape` into the (empty, migrated) database at `owner_url` and runs the day."""
    counts, seeding = asyncio.run(seed(owner_url, shape, MOMENT))
    print(f"  seeded in {seeding:.1f} s: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    root = Path(tempfile.mkdtemp(prefix="cp-bench-daily-", dir="/tmp"))
    try:
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        if processes > 1:
            phases = _in_processes(owner_url, root, concurrency, processes)
        else:
            phases = run_loop(run_day(owner_url, root, concurrency, FixedClock(MOMENT)))
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        sent, once = count_emails(root / "outbox")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    with psycopg.connect(owner_url) as conn:
        written = conn.execute("SELECT count(*) FROM generated_drafts").fetchone()
    who = resource.RUSAGE_CHILDREN if processes > 1 else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux; children: the largest
    return DayFigures(
        users=shape.users, seeding=seeding, drafts=phases.drafts, emails=phases.emails,
        cpu=phases.cpu, drafts_written=written[0] if written else 0,
        outcomes=dict(phases.outcomes), embedded=phases.embedded, emails_written=sent,
        recipients_once=once, peak_rss_mib=peak,
    )  # fmt: skip


def figures(day: DayFigures) -> list[Figure]:
    n = day.users
    goal = GOAL_SECONDS * n / GOAL_USERS
    scaled = "" if n == GOAL_USERS else f" (300 s for {GOAL_USERS:,}, scaled)"
    rate = n / day.total if day.total else 0.0
    once = day.emails_written == n and day.recipients_once == n
    return [
        Figure(NAME, "daily run seeding (not timed)", day.seeding, "s", f"{n:,} creators"),
        Figure(NAME, "daily run drafts phase", day.drafts, "s", "sweep + ScheduledDrafts"),
        Figure(NAME, "daily run email phase", day.emails, "s", "sweep + SendDailyEmail"),
        Figure(NAME, f"daily run total, {n:,} creators", day.total, "s",
               f"goal ≤ {goal:g} s{scaled}", goal / day.total if day.total else None,
               day.total <= goal),
        Figure(NAME, "daily run creators/s", rate, "users/s",
               f"goal ≥ {GOAL_USERS / GOAL_SECONDS:.1f}"),
        Figure(NAME, "daily run CPU, this process", day.cpu, "s",
               f"{1000 * day.cpu / n:.1f} ms a creator; the database's not counted"),
        Figure(NAME, "daily run drafts written", day.drafts_written, "drafts", "3-5 a creator"),
        Figure(NAME, "daily run peak RSS", day.peak_rss_mib, "MiB", "ru_maxrss, this process"),
        Figure(NAME, "daily emails written", day.emails_written, "emails",
               f"goal {n:,}, one per creator", None, once),
    ]  # fmt: skip


def run(argv: list[str]) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.daily_scale")
    parser.add_argument("--users", type=int, default=GOAL_USERS)
    parser.add_argument("--sources", type=int, default=5)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--items", type=int, default=12, help="fresh items per source")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY["interactive"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-corpus", action="store_true", help="only the 3 sample feeds")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the run here")
    parser.add_argument(
        "--processes", type=int, default=1, help="run the day in this many worker processes"
    )
    args = parser.parse_args(argv)
    if args.processes < 1 or (args.processes > 1 and args.profile):
        parser.error("--processes must be 1 or more, and 1 with --profile")
    shape = Shape(args.users, args.sources, args.posts, args.items, args.seed, not args.no_corpus)
    print(f"{NAME}: {shape}, concurrency {args.concurrency}, processes {args.processes}")
    with embedded_database(NAME) as owner_url:
        day = day_on(owner_url, shape, args.concurrency, args.profile, args.processes)
    print(f"  outcomes: {day.outcomes}; item texts embedded: {day.embedded}")
    print(f"  drafts {day.drafts:.1f} s + emails {day.emails:.1f} s = {day.total:.1f} s  "
          f"{day.users / day.total:.1f} creators/s  CPU {day.cpu:.1f} s  "
          f"peak RSS {day.peak_rss_mib:.0f} MiB  {day.emails_written} emails "
          f"({day.recipients_once} creators exactly once)  "
          f"{verdict(day.total <= GOAL_SECONDS * day.users / GOAL_USERS)}")  # fmt: skip
    return figures(day)


def main() -> None:
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
