"""Upstreams that accept the connection and never answer: every job still ends within its
timeouts (the failure recorded, retried later), and no worker slot stays stuck.

    .venv/bin/python -m benchmarks.faults_hangs [--users 40] [--hang 6] [--timeout 2]

The worker of `faults_upstreams` (real tasks, retries, NATS, PostgreSQL, the real clients) with
every upstream timeout set to `--timeout` seconds. Half the creators' feeds hang for good; the
fetch cycle must end within the timeout with the healthy half stored and the hanging half's
failure counted. Then Gemini hangs for `--hang` seconds while drafts are due, and SendGrid
while emails are due — more jobs than the worker has slots — and both heal: every job must be
done soon after, each creator's email sent once.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from dishka import Provider, Scope, provide

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:  # the fakes of the upstream APIs live with the tests
    sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.faults_upstreams import (  # noqa: E402
    FlakyUpstreams,
    UpstreamRun,
    drafted,
    seed_creators,
    worker,
)
from benchmarks.worker_crash import nats_server, release_sweep_slot  # noqa: E402
from creatorpulse.adapters.feeds.fetcher import HttpFeedFetcher  # noqa: E402
from creatorpulse.adapters.http.fetcher import SafeFetcher  # noqa: E402
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers  # noqa: E402
from creatorpulse.domain.use_cases.refresh_feeds import CONCURRENCY as FETCH_CONCURRENCY  # noqa: E402
from creatorpulse.entrypoints.settings import Settings  # noqa: E402
from creatorpulse.entrypoints.worker.tasks import Tasks  # noqa: E402
from fakes import gemini, sendgrid  # noqa: E402
from fakes.faults import Faults  # noqa: E402
from fakes_http.server import Exchange, LocalServer, answer  # noqa: E402

FOREVER = 3600.0  # a hanging upstream holds the connection this long (longer than any run)
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Team notes</title>
<item><title>Shipping weekly</title><guid>notes-1</guid><pubDate>{date}</pubDate>
<description>Teams that ship every week learn faster than teams that plan quarterly releases,
a survey of two hundred engineering groups found this autumn.</description></item>
</channel></rss>"""


@dataclass(frozen=True)
class HangFigures:
    users: int
    timeout: float  # every upstream's configured timeout, seconds
    hang: float  # how long Gemini, then SendGrid, hung, seconds
    fetch_cycle: float  # the fetch cycle with half the feeds hanging, seconds
    feeds_failed: int  # hanging feeds with the failure recorded
    feeds_fetched: int  # healthy feeds fetched in the same cycle
    llm_hung_calls: int
    llm_max_gap: float  # longest pause between two calls while Gemini hung, seconds
    drafts_after_heal: float  # from Gemini healing to every creator's drafts, seconds
    mail_hung_calls: int
    mail_max_gap: float
    emails_after_heal: float  # from SendGrid healing to every creator's email, seconds
    duplicates: int
    missing: int

    def line(self) -> str:
        return "  ".join(f"{k}={v}" for k, v in asdict(self).items())


class ShortFetches(Provider):
    scope = Scope.APP

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    @provide
    async def fetchers(self) -> AsyncIterator[SourceFetchers]:
        safe = SafeFetcher(allow_private_networks=True, total_timeout=self._timeout,
                           connect_timeout=self._timeout)  # fmt: skip
        yield SourceFetchers(HttpFeedFetcher(safe))
        await safe.aclose()


def hang_forever(exchange: Exchange) -> None:
    time.sleep(FOREVER)


def max_gap(faults: Faults, kind: str = "hang") -> float:
    times = [at for at, drawn in faults.times if drawn == kind]
    return round(max((b - a for a, b in itertools.pairwise(times)), default=0.0), 2)


def feed_outcomes(owner_url: str) -> tuple[int, int]:
    """(sources whose last fetch failed, sources fetched fine), read as the owner."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE error_count > 0), "
            "count(*) FILTER (WHERE last_checked IS NOT NULL AND error_count = 0) FROM sources"
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


class HangRun(UpstreamRun):
    async def wait(self, done: Callable[[], bool], within: float) -> float:
        started = time.monotonic()
        while not done():
            if time.monotonic() - started > within:
                raise TimeoutError(f"not done {within} s after the upstream healed")
            await asyncio.sleep(0.05)
        return round(time.monotonic() - started, 2)

    async def fetch_cycle(self, users: int, within: float) -> tuple[float, int, int]:
        started = time.monotonic()
        await self.tasks.fetch_sources.kiq()
        while sum(outcome := await asyncio.to_thread(feed_outcomes, self.owner_url)) < users:
            if time.monotonic() - started > within:
                raise TimeoutError(f"fetch cycle not over after {within} s: {outcome}")
            await asyncio.sleep(0.05)
        return round(time.monotonic() - started, 2), *outcome


async def hang_run(
    owner_url: str,
    nats_url: str,
    workdir: Path,
    *,
    users: int,
    hang: float,
    timeout: float,  # noqa: ASYNC109
) -> HangFigures:
    mail_hangs, llm_hangs = (Faults(1.0, ("hang",), hang=FOREVER) for _ in range(2))
    mail, llm = sendgrid.SendGridFake(faults=mail_hangs), gemini.GeminiFake(faults=llm_hangs)
    settings = Settings(data_dir=workdir / "data", outbox_dir=workdir / "outbox",
                        database_url=owner_url)  # fmt: skip
    async with AsyncExitStack() as stack:
        feeds = stack.enter_context(LocalServer())
        date = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        rss = {"Content-Type": "application/rss+xml"}
        healthy = feeds.route("/ok.xml", answer(FEED.format(date=date).encode(), headers=rss))
        hanging = feeds.route("/hang.xml", hang_forever)
        creators = await seed_creators(
            owner_url,
            users,
            random.Random(3),
            lambda n: f"{hanging if n % 2 else healthy}?creator={n}",
        )
        mail_url, _ = stack.enter_context(sendgrid.sendgrid_server(mail))
        llm_url, _ = stack.enter_context(gemini.gemini_server(llm))
        tasks: Tasks = await stack.enter_async_context(
            worker(
                settings,
                nats_url,
                FlakyUpstreams(mail_url, llm_url, 0.5, timeout),
                ShortFetches(timeout),
            )
        )
        run = HangRun(owner_url, tasks, mail)
        cycle, failed, fetched = await run.fetch_cycle(users, within=timeout * 3 + 10)

        everyone = set(creators.values())
        await run.draft_for(creators)
        await asyncio.sleep(hang)
        llm.faults = None  # Gemini answers again
        drafts_after = await run.wait(lambda: drafted(owner_url) >= everyone, within=120)

        await asyncio.to_thread(release_sweep_slot, owner_url)
        await tasks.sweep_emails.kiq()
        await asyncio.sleep(hang)
        mail.faults = None  # SendGrid answers again
        emails_after = await run.wait(
            lambda: all(mail.delivered_to().get(a) for a in creators), within=120
        )
        await asyncio.sleep(1.0)  # a duplicate would be sent now
    counts = mail.delivered_to()
    return HangFigures(
        users=users, timeout=timeout, hang=hang, fetch_cycle=cycle, feeds_failed=failed,
        feeds_fetched=fetched, llm_hung_calls=llm_hangs.drawn["hang"],
        llm_max_gap=max_gap(llm_hangs), drafts_after_heal=drafts_after,
        mail_hung_calls=mail_hangs.drawn["hang"], mail_max_gap=max_gap(mail_hangs),
        emails_after_heal=emails_after,
        duplicates=sum(max(0, counts.get(a, 0) - 1) for a in creators),
        missing=sum(1 for a in creators if not counts.get(a)),
    )  # fmt: skip


def hangs_run(
    owner_url: str, workdir: Path, *, users: int, hang: float, timeout: float
) -> HangFigures:
    """One run on a fresh NATS server and the (clean, migrated) database at `owner_url`."""
    (workdir / "nats").mkdir(parents=True, exist_ok=True)
    with nats_server(workdir / "nats") as nats_url:
        return asyncio.run(hang_run(
            owner_url, nats_url, workdir, users=users, hang=hang, timeout=timeout
        ))  # fmt: skip


def bounded(f: HangFigures) -> bool:
    """Each wait the configuration allows: a fetch cycle, its deadline once per wave of hanging
    addresses (RefreshFeeds fetches 8 at a time); a Gemini call, the timeout per attempt (four,
    backoff up to 8 s); a send, the timeout plus the wait before looking it up; after healing,
    a job's next attempt comes within its backoff (up to 16 s)."""
    t, waves = f.timeout, math.ceil(f.feeds_failed / FETCH_CONCURRENCY)
    return (
        f.fetch_cycle <= waves * t + 3 and f.llm_max_gap <= t + 10 and f.mail_max_gap <= t + 10
        and f.drafts_after_heal <= 4 * t + 30 and f.emails_after_heal <= t + 30
    )  # fmt: skip


def run(argv: list[str] | None = None) -> list[object]:
    from benchmarks.common import Figure, embedded_database  # noqa: PLC0415

    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cp-hangs-") as tmp, \
            embedded_database("faults-hangs") as url:  # fmt: skip
        f = hangs_run(url, Path(tmp), users=args.users, hang=args.hang, timeout=args.timeout)
    print(f.line())
    name, t = "faults_hangs", f"timeouts {f.timeout:g} s"
    return [
        Figure(name, "hanging feeds: fetch cycle", f.fetch_cycle, "s",
               f"{t}; {f.feeds_failed} failed, {f.feeds_fetched} fetched",
               passed=bounded(f) and f.feeds_failed + f.feeds_fetched == f.users),
        Figure(name, "Gemini hung: longest pause between calls", f.llm_max_gap, "s",
               f"{t}; {f.llm_hung_calls} calls hung {f.hang:g} s", passed=bounded(f)),
        Figure(name, "Gemini healed: all drafts after", f.drafts_after_heal, "s",
               f"{f.users} creators", passed=bounded(f)),
        Figure(name, "SendGrid hung: longest pause between calls", f.mail_max_gap, "s",
               f"{t}; {f.mail_hung_calls} calls hung {f.hang:g} s", passed=bounded(f)),
        Figure(name, "SendGrid healed: all emails after", f.emails_after_heal, "s",
               f"{f.duplicates} duplicates, {f.missing} missing",
               passed=bounded(f) and f.duplicates == f.missing == 0),
    ]  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults_hangs")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--hang", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=2.0)
    return parser


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table(run(sys.argv[1:])))  # type: ignore[arg-type]
