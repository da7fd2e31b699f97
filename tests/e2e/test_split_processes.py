"""The service split into processes, as an operator runs it with NATS_URL: `creatorpulse api`,
`creatorpulse worker` and `creatorpulse scheduler` on one database and one outbox, driven over
HTTP like a person would; and two schedulers started by mistake, whose ticks sweep once.

Everything listens on 127.0.0.1: a fresh NATS JetStream server, the session's embedded
PostgreSQL (`DATABASE_URL`), and a small HTTP server for the sample feeds.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import nats
import psycopg
import pytest
from benchmarks.worker_crash import (
    STREAM,
    daily_emails,
    free_port,
    nats_server,
    seed_due_users,
    service_env,
    spawn,
    stop,
    wait_for_port,
)

from creatorpulse.entrypoints.demo import sample_documents, sample_voices

PASSWORD = "a-long-enough-password"


# --- the sample feeds, freshly dated, on 127.0.0.1 -------------------------------------------


def redate(document: bytes, now: datetime) -> bytes:
    """The feed with its entries dated to the last few hours (RSS pubDate, Atom updated and
    published), so they count as recent."""
    text, hours = document.decode("utf-8"), iter(range(1, 1000))

    def rss(_: re.Match[str]) -> str:
        return (
            f"<pubDate>{format_datetime(now - timedelta(hours=next(hours)), usegmt=True)}</pubDate>"
        )

    def atom(match: re.Match[str]) -> str:
        at = now - timedelta(hours=next(hours))
        return f"<{match[1]}>{at:%Y-%m-%dT%H:%M:%SZ}</{match[1]}>"

    text = re.sub(r"<pubDate>[^<]*</pubDate>", rss, text)
    text = re.sub(r"<(updated|published)>[^<]*</\1>", atom, text)
    return text.encode("utf-8")


@contextmanager
def feed_server() -> Iterator[list[tuple[str, str]]]:
    """The sample feeds over HTTP on 127.0.0.1: yields [(url, name)]."""
    index, documents = sample_documents()
    now = datetime.now(UTC)
    by_path = {f"/{feed.file}": redate(documents[feed.url], now) for feed in index}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = by_path.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield [(f"http://127.0.0.1:{port}/{feed.file}", feed.name) for feed in index]
    finally:
        server.shutdown()
        server.server_close()


# --- reading the outbox like a person --------------------------------------------------------


def newest_email(outbox: Path, kind: str, to: str, within: float = 30.0) -> email.message.Message:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob(f"*-{kind}-*.eml"), reverse=True) if outbox.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if str(message["To"]).lower() == to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no {kind} email to {to} in {outbox} after {within} s")


def links(message: email.message.Message) -> list[str]:
    body = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    assert body is not None
    return re.findall(r"https?://\S+", body.get_content())


# --- the processes ---------------------------------------------------------------------------


class Service:
    def __init__(self, tmp: Path, owner_url: str, nats_url: str, api_port: int) -> None:
        self.tmp, self.outbox = tmp, tmp / "outbox"
        self.base_url = f"http://127.0.0.1:{api_port}"
        self.env = service_env(
            NATS_URL=nats_url, DATABASE_URL=owner_url,
            CREATORPULSE_DATA_DIR=str(tmp / "data"), CREATORPULSE_OUTBOX_DIR=str(self.outbox),
            CREATORPULSE_BASE_URL=self.base_url, CREATORPULSE_ALLOW_PRIVATE_NETWORKS="true",
        )  # fmt: skip
        self.processes: dict[str, Any] = {}

    def start(self, name: str, *args: str) -> None:
        self.processes[name] = spawn(list(args), self.env, self.tmp / f"{name}.log")

    def alive(self) -> None:
        for name, process in self.processes.items():
            log = (self.tmp / f"{name}.log").read_text("utf-8", "replace")[-3000:]
            assert process.poll() is None, f"`creatorpulse {name}` exited:\n{log}"

    def stop_all(self) -> None:
        for process in self.processes.values():
            stop(process)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "creatorpulse.entrypoints.cli", *args],
            env=self.env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture
def service(tmp_path: Path, pg_clean: str) -> Iterator[Service]:
    (tmp_path / "nats").mkdir()
    with nats_server(tmp_path / "nats") as nats_url:
        running = Service(tmp_path, pg_clean, nats_url, free_port())
        try:
            yield running
        finally:
            running.stop_all()


def test_a_creators_day_through_the_split_processes(service: Service) -> None:
    port = int(service.base_url.rsplit(":", 1)[1])
    service.start("api", "api", "--port", str(port))
    service.start("worker", "worker")
    service.start("scheduler", "scheduler")
    wait_for_port(port, within=60)
    address = "maya@example.com"
    with feed_server() as feeds, httpx.Client(base_url=service.base_url, timeout=30) as http:
        ready = http.get("/health/ready").json()
        assert ready == {"status": "ok", "database": True, "queue": True}

        # register, then follow the verification email: its page, then its button
        registered = http.post("/v1/auth/register", json={"email": address, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        verification = newest_email(service.outbox, "verification", address)
        [link] = [u for u in links(verification) if "/verify-email?token=" in u]
        assert link.startswith(service.base_url)
        token = parse_qs(urlsplit(link).query)["token"][0]
        verified = http.post("/verify-email", data={"token": token})
        assert verified.status_code == 200 and "is verified" in verified.text

        signed_in = http.post("/v1/auth/login", json={"email": address, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        h = {"Authorization": f"Bearer {signed_in.json()['data']['token']}"}

        # the three sample feeds, served on 127.0.0.1 (the API fetches each to validate it)
        for url, name in feeds:
            added = http.post("/v1/sources", json={"type": "rss", "url": url, "name": name},
                              headers=h)  # fmt: skip
            assert added.status_code == 201, added.text

        # 10+ style posts; the worker trains the style (the API only enqueues the job)
        posts = sample_voices()["maya"].posts
        assert len(posts) >= 10
        upload = http.post("/v1/style/upload", json={"posts": posts}, headers=h)
        assert upload.status_code == 202, upload.text
        job_id = upload.json()["data"]["job_id"]
        deadline, status = time.monotonic() + 60, {}
        while time.monotonic() < deadline:
            status = http.get("/v1/style/status", params={"job_id": job_id}, headers=h).json()
            status = status["data"]
            if status["status"] in ("completed", "failed"):
                break
            service.alive()
            time.sleep(0.1)
        assert status["status"] == "completed", status
        assert status["processed_posts"] == status["total_posts"] >= 10

        generated = http.post("/v1/drafts/generate", json={"force": True}, headers=h)
        assert generated.status_code == 201, generated.text
        assert 3 <= generated.json()["drafts_generated"] <= 5
        drafts = http.get("/v1/drafts", params={"per_page": 10}, headers=h).json()["data"]["data"]
        assert len(drafts) == generated.json()["drafts_generated"]
        assert all(d["status"] == "pending" and d["email_sent_at"] is None for d in drafts)

        # the daily email now (the operator's command), then once more: still one email
        for _ in range(2):
            assert '"done": 1' in service.run("run", "send-emails", "--user", address, "--force")
        daily = newest_email(service.outbox, "daily_drafts", address)
        assert daily_emails(service.outbox) == {address: 1}
        positives = [u for u in links(daily) if u.endswith("/positive")]
        assert len(positives) == len(drafts)

        # vote from the email: the link opens a page, its button records the vote
        vote = positives[0].removeprefix(service.base_url)
        page = http.get(vote)
        assert page.status_code == 200 and "<form" in page.text
        recorded = http.post(vote)
        assert recorded.status_code == 200, recorded.text
        after = [http.get(f"/v1/drafts/{d['id']}", headers=h).json()["data"] for d in drafts]
        assert [d["status"] for d in after].count("approved") == 1
        assert all(d["email_sent_at"] for d in after)
        service.alive()


# --- two schedulers --------------------------------------------------------------------------

# A `creatorpulse scheduler` whose only schedule is the email sweep at one instant (argv[1]),
# instead of every ten minutes: the two processes tick at the same moment, as two schedulers
# started by mistake would at a slot boundary. Everything else is the real command.
SCHEDULER_AT = """
import sys
from datetime import datetime
from creatorpulse.entrypoints import cli
from creatorpulse.entrypoints.worker import tasks

AT = datetime.fromisoformat(sys.argv[1])
register = tasks._register

def at_instant(broker, func, name, cron=None):
    task = register(broker, func, name)
    if name == "sweep-emails":
        task.labels["schedule"] = [{"time": AT, "schedule_id": name}]
    return task

tasks._register = at_instant
sys.exit(cli.main(["scheduler"]))
"""


def _published(nats_url: str) -> int:
    async def go() -> int:
        client = await nats.connect(nats_url)
        try:
            return int((await client.jetstream().stream_info(STREAM)).state.last_seq)
        finally:
            await client.close()

    return asyncio.run(go())


def test_two_schedulers_tick_the_same_slot_and_the_sweep_runs_once(
    service: Service, pg_clean: str
) -> None:
    users = asyncio.run(seed_due_users(pg_clean, 12, random.Random(3)))
    now = datetime.now(UTC)
    at = now.replace(microsecond=0) + timedelta(seconds=8)
    if (at.minute % 10, at.second) >= (9, 40):  # both ticks must run in one 10-minute slot
        at += timedelta(seconds=30)
    slot = at - timedelta(minutes=at.minute % 10, seconds=at.second)
    service.start("worker", "worker")
    for name in ("scheduler-a", "scheduler-b"):
        service.processes[name] = _scheduler_at(service, name, at)
    deadline = time.monotonic() + (at - now).total_seconds() + 40
    while sum(daily_emails(service.outbox).values()) < len(users):
        assert time.monotonic() < deadline, "the sweep never sent the emails"
        service.alive()
        time.sleep(0.1)
    time.sleep(1.5)  # a second sweep's fan-out would land now
    assert daily_emails(service.outbox) == dict.fromkeys(users, 1)
    with psycopg.connect(pg_clean, autocommit=True) as conn:
        ticks = [k for (k,) in conn.execute("SELECT key FROM job_claims WHERE key LIKE 'tick:%'")]
    assert ticks == [f"tick:sweep-emails:{slot:%Y-%m-%dT%H:%M}"]
    # both schedulers ticked (two sweeps on the queue); the fan-out happened once (12 sends)
    nats_url = service.env["NATS_URL"]
    assert _published(nats_url) == 2 + len(users)


def _scheduler_at(service: Service, name: str, at: datetime) -> subprocess.Popen[bytes]:
    with (service.tmp / f"{name}.log").open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-c", SCHEDULER_AT, at.isoformat()],
            env=service.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
