"""The API's overhead on its hottest read: `GET /v1/drafts?per_page=10`, signed in, through the
real app (create_app: JWT check, the session check (revocation and account, kept in the
SessionMemo), RLS-scoped unit of work, envelope, edge middleware, one log line; rate limits off)
against a bare Litestar endpoint that reads the same 10 rows of the same table with a plain
psycopg pool.

Both run under uvicorn on loopback with the same settings (one process each, access log off) on
one throwaway embedded PostgreSQL; with two cores or more, both servers run on the last core and
PostgreSQL and the load generator on the others, as a deployment keeps its database off the API's
machine (sharing, a server's turn lost a varying part of its core to them: runs of identical code
spread 0.75-0.89, pinned 0.80-0.85); a user has 12 drafts, each with a generation record as
generate_drafts writes one (~2 KB of JSON). Both servers stay up and take turns:
`--rounds` alternate rounds each, `--seconds` of load on each in all, by `--concurrency` wrk (or
httpx) connections after a 1 s warm-up per round, which is not counted. The figures are
requests/s, their ratio (goal ≥ 0.8), p50/p99 latency and the CPU a request costs each process
and PostgreSQL.

    .venv/bin/python -m benchmarks.api_drafts [--seconds 90 --rounds 30 --concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from litestar import Litestar, get
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from benchmarks.common import (
    Figure,
    core_for_servers,
    cpu_seconds,
    embedded_database,
    percentile,
    postgres_cpu_seconds,
    verdict,
)

NAME = "api_drafts"
RATIO_GOAL = 0.8
DRAFTS = 12
PASSWORD = "benchmark-password-1234"
BASELINE_SQL = (
    "SELECT id, user_id, content, source_content_id, status, email_sent_at, created_at, "
    "updated_at, source_name, character_count, engagement_score FROM generated_drafts "
    "WHERE user_id = %s ORDER BY created_at DESC, id LIMIT 10"
)


# --- the two servers (uvicorn --factory targets) ------------------------------------------------
def real_app() -> Litestar:
    from creatorpulse.entrypoints.http.app import create_app  # noqa: PLC0415
    from creatorpulse.entrypoints.worker.runtime import tune_gc  # noqa: PLC0415

    tune_gc()  # as `creatorpulse api` and `serve` run it
    app = create_app()
    if target := os.environ.get("BENCH_PROFILE"):  # --profile: cProfile of the real app's process
        profiler = cProfile.Profile()
        profiler.enable()
        app.on_shutdown.append(lambda: profiler.dump_stats(target))
    return app


def baseline_app() -> Litestar:
    """10 rows of the same table, serialised as JSON: no auth, no envelope, no middleware."""
    url = os.environ["BASELINE_DATABASE_URL"]
    user_id = uuid.UUID(os.environ["BASELINE_USER_ID"])
    state: dict[str, AsyncConnectionPool[Any]] = {}

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url, min_size=1, max_size=10, open=False, kwargs={"autocommit": True}
        )  # the same pool size as the app's Database
        await pool.open(wait=True)
        state["pool"] = pool
        yield
        await pool.close()

    @get("/v1/drafts")
    async def drafts() -> list[dict[str, Any]]:
        async with state["pool"].connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(BASELINE_SQL, (user_id,))
            return await cursor.fetchall()

    return Litestar([drafts], lifespan=[lifespan], debug=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(factory: str, env: dict[str, str], core: int | None = None) -> Any:
    """A server on a free port (on `core` if given) until the block ends: (base URL, pid)."""
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", f"benchmarks.api_drafts:{factory}",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if core is not None:  # before the interpreter is up: every thread it starts inherits it
        os.sched_setaffinity(process.pid, {core})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{factory} did not start: {process.stderr.read()!r}")
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(10)


# --- seeding --------------------------------------------------------------------------------
def sign_up(base: str, outbox: Path) -> tuple[str, str]:
    """Register, verify through the emailed link, sign in: (user id, bearer token)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        registered = client.post(
            "/v1/auth/register", json={"email": "bench@example.com", "password": PASSWORD}
        )
        registered.raise_for_status()
        user_id = registered.json()["data"]["user"]["id"]
        [eml] = outbox.glob("*verification*.eml")
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        token = re.findall(r"/verify-email\?token=(\S+)", body.get_content())[0]
        client.post("/verify-email", data={"token": token}).raise_for_status()
        login = client.post(
            "/v1/auth/login", json={"email": "bench@example.com", "password": PASSWORD}
        )
        login.raise_for_status()
        return user_id, login.json()["data"]["token"]


def generation_record(n: int) -> dict[str, Any]:
    """A generation record shaped as generate_drafts writes one (~2 KB of JSON a draft)."""
    ids = [str(uuid.UUID(int=n * 100 + k)) for k in range(8)]
    features = ["length", "hook", "question", "list", "emoji", "hashtags", "links", "numbers",
                "first_person", "paragraphs", "cta", "readability"]  # fmt: skip
    return {
        "source_item_id": ids[0], "source_id": ids[1], "source_url": f"https://feed.example/{n}",
        "terms": ["shipping", "small", "changes", "daily", "team", "deploys", "feedback",
                  "habits", "release", "review", "risk", "learning"],
        "ranking": {"freshness": 0.91, "relevance": 0.74, "novelty": 0.66, "source_weight": 1.0,
                    "liked_terms": 0.35, "disliked_terms": 0.05, "score": 0.8123,
                    "reason": "fresh, close to what you liked, unlike what you saw this week"},
        "model": "local-composer-v3", "parameters": {"temperature": 0.7, "max_words": 220},
        "usage": {"prompt_tokens": 1830, "output_tokens": 214},
        "style_examples": [{"chunk_id": ids[2 + k], "style_post_id": ids[5 + k % 3],
                            "similarity": 0.8123 - k / 10, "above_floor": True}
                           for k in range(3)],
        "liked_examples": ids[5:8],
        "format": {name: round(0.1 * k, 2) for k, name in enumerate(features)},
        "score": {"features": {name: round(0.05 * k, 3) for k, name in enumerate(features)},
                  "weights": {name: round(1 - 0.03 * k, 3) for k, name in enumerate(features)},
                  "learned": True},
        "preferences": {"votes": 14, "liked": 9}, "similarity_floor": 0.7,
    }  # fmt: skip


def add_drafts(owner_url: str, user_id: str) -> None:
    now = datetime.now(UTC)
    with psycopg.connect(owner_url, autocommit=True) as conn:
        for n in range(DRAFTS):
            content = (
                f"Draft number {n}: what shipping small changes every day taught our team. " * 3
            )
            conn.execute(
                "INSERT INTO generated_drafts (user_id, content, source_name, character_count, "
                "engagement_score, generation_metadata, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (user_id, content, "Bench Feed", len(content), 7.5, Jsonb(generation_record(n)),
                 now - timedelta(minutes=n), now - timedelta(minutes=n)),
            )  # fmt: skip


# --- load -----------------------------------------------------------------------------------
Result = tuple[float, float, float, int, int]  # req/s, p50 ms, p99 ms, non-200, requests


def _ms(text: str) -> float:
    """wrk's latency: 812.00us, 3.41ms, 1.20s or 2.01m."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


Mark = Callable[[], None]  # called when the warm-up is over and the measured load begins


def drive_wrk(
    url: str, headers: dict[str, str], seconds: float, concurrency: int, begin: Mark
) -> Result:
    """wrk (apt install wrk): one thread, `concurrency` keep-alive connections."""
    flags = [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
    base = ["wrk", "-t1", f"-c{concurrency}", *flags]
    subprocess.run([*base, "-d1s", url], check=True, capture_output=True)  # warm-up
    begin()
    out = subprocess.run(
        [*base, f"-d{seconds:g}s", "--latency", url], check=True, capture_output=True, text=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Read in the "Latency Distribution" table only: the thread summary above it ends in a
    # "+/- Stdev" share, which can be "50.00%" and be taken for the median's line.
    table = out.split("Latency Distribution", 1)[-1]
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", table, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", table, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return rps, p50, p99, int(bad.group(1)) if bad else 0, done


async def drive_httpx(
    url: str, headers: dict[str, str], seconds: float, concurrency: int, begin: Mark
) -> Result:
    """Fallback without wrk: httpx with `concurrency` workers (the client costs more CPU)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:

        async def worker(until: float, latencies: list[float], failures: list[int]) -> None:
            while time.perf_counter() < until:
                started = time.perf_counter()
                answer = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    failures.append(answer.status_code)

        until = time.perf_counter() + 1.0
        await asyncio.gather(*(worker(until, [], []) for _ in range(concurrency)))
        begin()
        latencies: list[float] = []
        failures: list[int] = []
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(worker(until, latencies, failures) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return (len(latencies) / elapsed, percentile(latencies, 50), percentile(latencies, 99),
            len(failures), len(latencies))  # fmt: skip


def drive(
    url: str, headers: dict[str, str], seconds: float, concurrency: int,
    begin: Mark = lambda: None,
) -> Result:  # fmt: skip
    if shutil.which("wrk"):
        return drive_wrk(url, headers, seconds, concurrency, begin)
    return asyncio.run(drive_httpx(url, headers, seconds, concurrency, begin))


def cpu_per_request(
    pid: int, url: str, headers: dict[str, str], seconds: float, concurrency: int
) -> tuple[Result, float, float]:
    """The load's figures, and the CPU each request cost the app's process and PostgreSQL
    (µs): what throughput on shared cores comes down to, and far steadier than req/s on a VM
    whose speed moves between runs."""
    at: list[float] = []  # both processes' CPU when the measured load begins (not the warm-up)
    result = drive(url, headers, seconds, concurrency,
                   lambda: at.extend((cpu_seconds(pid), postgres_cpu_seconds())))  # fmt: skip
    requests = max(result[4], 1)
    app_us = (cpu_seconds(pid) - at[0]) / requests * 1e6
    return result, app_us, (postgres_cpu_seconds() - at[1]) / requests * 1e6


Measured = tuple[Result, float, float]  # the load's figures, app and PostgreSQL µs a request


def combine(parts: Sequence[Measured]) -> Measured:
    """Rounds of one server as one measurement: requests/s over all their time, the median
    round's p50, the worst round's p99, CPU a request weighted by requests."""
    requests = sum(part[0][4] for part in parts)
    seconds = sum(part[0][4] / part[0][0] for part in parts if part[0][0])
    weigh = max(requests, 1)
    return (
        (requests / seconds if seconds else 0.0,
         sorted(part[0][1] for part in parts)[len(parts) // 2],
         max(part[0][2] for part in parts), sum(part[0][3] for part in parts), requests),
        sum(part[1] * part[0][4] for part in parts) / weigh,
        sum(part[2] * part[0][4] for part in parts) / weigh,
    )  # fmt: skip


def run(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api_drafts")
    parser.add_argument("--seconds", type=float, default=90.0, help="of load on each server")
    parser.add_argument(
        "--rounds", type=int, default=30,
        help="turns each server takes, alternately: the VM's speed drifts by up to 2x between "
        "runs, and alternating short rounds puts both under the same drift; one round's ratio "
        "still ranges 0.67-1.14 (2026-11-26), so the figure is taken over many: runs of ten "
        "rounds spread 0.78-0.86, of thirty 0.80-0.85",
    )  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the real app here")
    args = parser.parse_args(argv)

    with (
        core_for_servers() as core,  # first: PostgreSQL, started next, stays off that core
        embedded_database("api") as owner_url,
        tempfile.TemporaryDirectory() as root,
    ):
        data_dir = Path(root)
        app_env = {
            "DATABASE_URL": owner_url, "CREATORPULSE_DATA_DIR": str(data_dir),
            "CREATORPULSE_RATE_LIMIT_FACTOR": "0", "JWT_SECRET": "bench-" + "s" * 40,
            "CREATORPULSE_STORAGE": "postgres",
        } | ({"BENCH_PROFILE": str(args.profile.resolve())} if args.profile else {})  # fmt: skip
        with serve("real_app", app_env, core) as (base, pid):
            user_id, token = sign_up(base, data_dir / "outbox")
            add_drafts(owner_url, user_id)
            check = httpx.get(
                f"{base}/v1/drafts?per_page=10", headers={"Authorization": f"Bearer {token}"}
            ).json()
            assert len(check["data"]["data"]) == 10, check
            baseline_env = {"BASELINE_DATABASE_URL": owner_url, "BASELINE_USER_ID": user_id}
            with serve("baseline_app", baseline_env, core) as (bare_base, bare_pid):
                assert len(httpx.get(f"{bare_base}/v1/drafts").json()) == 10
                ours_parts: list[Measured] = []
                bare_parts: list[Measured] = []
                turn = max(1, round(args.seconds / args.rounds))  # wrk takes whole seconds
                for _ in range(args.rounds):  # both servers stay up; each takes its turn
                    ours_parts.append(cpu_per_request(
                        pid, f"{base}/v1/drafts?per_page=10",
                        {"Authorization": f"Bearer {token}"}, turn, args.concurrency,
                    ))  # fmt: skip
                    bare_parts.append(cpu_per_request(
                        bare_pid, f"{bare_base}/v1/drafts", {}, turn, args.concurrency
                    ))  # fmt: skip
    ours, ours_app, ours_db = combine(ours_parts)
    bare, bare_app, bare_db = combine(bare_parts)

    ratio = ours[0] / bare[0]
    tool = "wrk" if shutil.which("wrk") else "httpx"
    placed = "shared cores" if core is None else f"servers on core {core}, the rest off it"
    print(f"GET /v1/drafts?per_page=10 · {args.concurrency} connections · {args.seconds:g} s "
          f"each, in {args.rounds} alternate rounds · {tool} · {placed}")  # fmt: skip
    for label, (rps, p50, p99, failures, _) in (
        ("real app", ours), ("bare Litestar + psycopg", bare)
    ):  # fmt: skip
        print(f"  {label:<24} {rps:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
              f"non-200: {failures}")  # fmt: skip
    print(f"  ratio {ratio:.2f} (goal ≥ {RATIO_GOAL}) {verdict(ratio >= RATIO_GOAL)}")
    turns = zip(ours_parts, bare_parts, strict=True)
    print(
        "  each round's ratio (the VM's drift between turns): "
        + " ".join(f"{ours_turn[0][0] / bare_turn[0][0]:.2f}" for ours_turn, bare_turn in turns)
    )
    cpu_ratio = (bare_app + bare_db) / (ours_app + ours_db)
    print(f"  CPU a request: real app {ours_app:.0f} µs + PostgreSQL {ours_db:.0f} µs; bare "
          f"{bare_app:.0f} + {bare_db:.0f} µs: the ratio those allow on shared cores "
          f"{cpu_ratio:.2f}")  # fmt: skip
    figures = [
        Figure(NAME, "GET /v1/drafts req/s (real app)", ours[0], "req/s",
               f"bare Litestar + psycopg {bare[0]:.0f} req/s, goal ratio ≥ {RATIO_GOAL}",
               ratio, ratio >= RATIO_GOAL),
        Figure(NAME, "GET /v1/drafts p50 (real app)", ours[1], "ms", f"bare {bare[1]:.1f} ms"),
        Figure(NAME, "GET /v1/drafts p99 (real app)", ours[2], "ms", f"bare {bare[2]:.1f} ms"),
        Figure(NAME, "GET /v1/drafts CPU a request (real app)", ours_app + ours_db, "µs",
               f"bare {bare_app + bare_db:.0f} µs (app + PostgreSQL)", cpu_ratio),
    ]  # fmt: skip
    assert ours[3] == 0 and bare[3] == 0, f"non-200 answers: ours {ours[3]}, bare {bare[3]}"
    return figures


def main() -> None:
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
