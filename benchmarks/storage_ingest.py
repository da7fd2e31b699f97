"""Bulk item insert throughput, three ways on one embedded PostgreSQL.

(a) the adapter: `PgItems.add_new` (INSERT … SELECT FROM unnest(arrays) … ON CONFLICT DO NOTHING
    RETURNING id) in a `for_user` unit of work, committed per batch;
(b) COPY (binary) into a TEMP staging table, then INSERT … SELECT … ON CONFLICT DO NOTHING
    RETURNING id, in the same user-scoped transaction shape;
(a2) what-if: (a)'s statement with binary parameters (`%b` instead of `%s`);
(c) the baseline: `executemany` of a single-row INSERT … ON CONFLICT DO NOTHING (psycopg
    pipelines it), same scoping;
(a8), (c8) (a) and (c) with 8 sources stored at once, one pool connection each, the way the
    refresh cycle stores what it fetched (`RefreshFeeds`: 8 feeds in flight); the ingest goal is
    read on (a8), as that is the service's ingest rate.

Every method inserts the same items (the table is truncated between runs), in batches from a
few sources owned by different users; each runs `--rounds` times, interleaved, and the median
is reported.

    .venv/bin/python -m benchmarks.storage_ingest [--rows 50000 --batch 1000 --sources 5]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import psycopg

from benchmarks.common import Figure, embedded_database, verdict
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.unit_of_work import PgUnitOfWorkFactory
from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.use_cases.refresh_feeds import CONCURRENCY

NAME = "storage_ingest"
GOAL_ROWS_PER_S = 20_000
COLUMNS = (
    "id, source_id, user_id, title, content, url, published_at, content_hash, processed, "
    "created_at"
)  # the order of SourceItem's fields
COPY_TYPES = (
    "uuid", "uuid", "uuid", "text", "text", "text", "timestamptz", "text", "bool", "timestamptz",
)  # fmt: skip
WORDS = (
    "model", "release", "open", "source", "benchmark", "startup", "funding", "agent", "latency",
    "database", "vector", "search", "creator", "audience", "growth", "pricing", "launch",
    "research", "paper", "inference", "training", "data", "privacy", "policy", "market",
)  # fmt: skip

Batch = tuple[uuid.UUID, list[SourceItem]]  # (owner's user id, items of one source)


def make_batches(
    seed: int, rows: int, batch: int, owners: list[tuple[uuid.UUID, uuid.UUID]]
) -> list[Batch]:
    """`rows` distinct items, `batch` at a time, round-robin over (user, source) pairs."""
    rng = random.Random(seed)
    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    batches: list[Batch] = []
    for start in range(0, rows, batch):
        user_id, source_id = owners[(start // batch) % len(owners)]
        items = []
        for n in range(start, min(start + batch, rows)):
            content = f"Item {n}. " + " ".join(rng.choices(WORDS, k=rng.randint(80, 220)))
            items.append(SourceItem(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                source_id=source_id,
                user_id=user_id,
                title=f"Headline {n}: " + " ".join(rng.choices(WORDS, k=6)),
                content=content,
                url=f"https://news.example.com/{n}",
                published_at=now - timedelta(minutes=rng.randint(0, 24 * 60)),
                content_hash=hashlib.sha256(content.encode()).hexdigest(),
                created_at=now,
            ))  # fmt: skip
        batches.append((user_id, items))
    return batches


def setup(owner_url: str, sources: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    owners = [(uuid.uuid4(), uuid.uuid4()) for _ in range(sources)]
    with psycopg.connect(owner_url) as conn:
        for n, (user_id, source_id) in enumerate(owners):
            conn.execute(
                "INSERT INTO users (id, email, password_hash, email_verified) "
                "VALUES (%s, %s, 'not-a-real-hash', true)",
                (user_id, f"ingest{n}@example.com"),
            )
            conn.execute(
                "INSERT INTO sources (id, user_id, type, url, name) VALUES (%s, %s, 'rss', %s, %s)",
                (source_id, user_id, f"https://news.example.com/feed{n}.xml", f"Feed {n}"),
            )
    return owners


async def via_adapter(factory: PgUnitOfWorkFactory, batches: Sequence[Batch]) -> int:
    kept = 0
    for user_id, items in batches:
        async with factory.for_user(user_id) as tx:
            kept += len(await tx.items.add_new(items))
            await tx.commit()
    return kept


# add_new's statement with binary parameters (%b): psycopg then skips quoting every array
# element as text, and the server skips parsing it (what-if for a one-character adapter change).
ADD_NEW_BINARY_SQL = (
    f"INSERT INTO source_content ({COLUMNS}) "
    "SELECT i.* FROM unnest(%(id)b::uuid[], %(source_id)b::uuid[], %(user_id)b::uuid[], "
    "%(title)b::text[], %(content)b::text[], %(url)b::text[], "
    "%(published_at)b::timestamptz[], %(content_hash)b::text[], %(processed)b::bool[], "
    f"%(created_at)b::timestamptz[]) AS i({COLUMNS}) "
    "WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = i.source_id) "
    "ON CONFLICT (source_id, content_hash) DO NOTHING RETURNING id"
)


async def via_adapter_binary(factory: PgUnitOfWorkFactory, batches: Sequence[Batch]) -> int:
    kept = 0
    names = COLUMNS.split(", ")
    for user_id, items in batches:
        columns: dict[str, list[Any]] = {name: [] for name in names}
        for item in items:
            for name, value in msgspec.structs.asdict(item).items():
                columns[name].append(value)
        async with factory.pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT set_config('app.user_id', %s, true)", (str(user_id),))
            cur = await conn.execute(ADD_NEW_BINARY_SQL, columns)
            kept += len(await cur.fetchall())
    return kept


async def via_copy_staging(factory: PgUnitOfWorkFactory, batches: Sequence[Batch]) -> int:
    kept = 0
    for user_id, items in batches:
        async with factory.pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT set_config('app.user_id', %s, true)", (str(user_id),))
            await conn.execute(
                "CREATE TEMP TABLE staging_items (LIKE source_content INCLUDING DEFAULTS) "
                "ON COMMIT DROP"
            )
            async with conn.cursor() as cur:
                async with cur.copy(
                    f"COPY staging_items ({COLUMNS}) FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(list(COPY_TYPES))
                    for item in items:
                        await copy.write_row(msgspec.structs.astuple(item))
                await cur.execute(
                    f"INSERT INTO source_content ({COLUMNS}) SELECT {COLUMNS} FROM staging_items i "
                    "WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = i.source_id) "
                    "ON CONFLICT (source_id, content_hash) DO NOTHING RETURNING id"
                )
                kept += len(await cur.fetchall())
    return kept


async def via_executemany(factory: PgUnitOfWorkFactory, batches: Sequence[Batch]) -> int:
    placeholders = ", ".join(["%s"] * len(COPY_TYPES))
    for user_id, items in batches:
        async with factory.pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT set_config('app.user_id', %s, true)", (str(user_id),))
            async with conn.cursor() as cur:
                await cur.executemany(
                    f"INSERT INTO source_content ({COLUMNS}) VALUES ({placeholders}) "
                    "ON CONFLICT (source_id, content_hash) DO NOTHING",
                    [msgspec.structs.astuple(item) for item in items],
                )
    return -1  # executemany does not say which rows it kept; the count is checked after


Method = Callable[[PgUnitOfWorkFactory, Sequence[Batch]], Awaitable[int]]


def at_once(method: Method, streams: int = CONCURRENCY) -> Method:
    """`streams` sources stored at once (batches alternate over the sources, so each stream
    writes its own), one pool connection each: how RefreshFeeds stores a cycle's feeds."""

    async def stored(factory: PgUnitOfWorkFactory, batches: Sequence[Batch]) -> int:
        kept = await asyncio.gather(*(method(factory, batches[n::streams]) for n in range(streams)))
        return -1 if -1 in kept else sum(kept)

    return stored


METHODS: list[tuple[str, str, Method]] = [
    ("a", "adapter PgItems.add_new (json_to_recordset + ON CONFLICT)", via_adapter),
    ("a2", "what-if: add_new's SQL, binary parameters (%b)", via_adapter_binary),
    ("b", "COPY into TEMP staging + INSERT … SELECT", via_copy_staging),
    ("c", "executemany single-row INSERT (baseline)", via_executemany),
    ("a8", f"(a), {CONCURRENCY} sources at once (the refresh cycle)", at_once(via_adapter)),
    ("c8", f"(c), {CONCURRENCY} sources at once (baseline of a8)", at_once(via_executemany)),
]


async def measure(owner_url: str, batches: Sequence[Batch], rounds: int) -> dict[str, Any]:
    rows = sum(len(items) for _, items in batches)
    db = Database(owner_url)  # the service's pool: room for the refresh cycle's 8 streams
    factory = await db.open()
    owner = await psycopg.AsyncConnection.connect(owner_url, autocommit=True)
    seconds: dict[str, list[float]] = {key: [] for key, _, _ in METHODS}
    try:

        async def count() -> int:
            found = await (await owner.execute("SELECT count(*) FROM source_content")).fetchone()
            return int(found[0]) if found else 0

        for _, _, method in METHODS:  # warm-up: connections, prepared statements
            await method(factory, batches[:1])
            await owner.execute("TRUNCATE source_content CASCADE")
        for _ in range(rounds):
            for key, label, method in METHODS:
                await owner.execute("TRUNCATE source_content CASCADE")
                await owner.execute("CHECKPOINT")  # each run starts from the same WAL state
                started = time.perf_counter()
                kept = await method(factory, batches)
                seconds[key].append(time.perf_counter() - started)
                stored = await count()
                assert stored == rows, f"{label}: {stored} rows stored, expected {rows}"
                assert kept in (rows, -1), f"{label}: reported {kept} new rows, expected {rows}"
        # Re-ingesting the same items, as every feed refresh mostly does: all conflicts.
        started = time.perf_counter()
        kept = await via_adapter(factory, batches)
        duplicates = time.perf_counter() - started
        assert kept == 0, f"{kept} duplicates were inserted again"
    finally:
        await owner.close()
        await db.close()
    return {"seconds": seconds, "duplicates": duplicates}


def run(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storage_ingest")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=CONCURRENCY, help="sources, one user each")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each method (median)")
    parser.add_argument("--seed", type=int, default=20260115)
    args = parser.parse_args(argv)

    print(f"== {NAME}: {args.rows:,} items in batches of {args.batch:,} over {args.sources} "
          f"sources, {args.rounds} rounds per method (median)")  # fmt: skip
    with embedded_database("ingest") as owner_url:
        owners = setup(owner_url, args.sources)
        batches = make_batches(args.seed, args.rows, args.batch, owners)
        size = sum(len(i.content) + len(i.title or "") for _, items in batches for i in items)
        print(f"  {size / args.rows:,.0f} characters of title + content per item on average")
        measured = asyncio.run(measure(owner_url, batches, args.rounds))

    rate = {key: args.rows / statistics.median(s) for key, s in measured["seconds"].items()}
    print(f"\n  {'method':<60} {'rows/s':>9} {'vs base':>7}   runs (s)")
    for key, label, _ in METHODS:
        base = rate["c8" if key == "a8" else "c"]
        runs = " ".join(f"{s:.2f}" for s in measured["seconds"][key])
        print(f"  {'(' + key + ')':<5} {label:<54} {rate[key]:>9,.0f} "
              f"{rate[key] / base:>6.2f}x   {runs}")  # fmt: skip
    baseline = rate["c"]
    dup_rate = args.rows / measured["duplicates"]
    print(f"  {'(a)':<5} {'again, every row a duplicate (no insert)':<54} {dup_rate:>9,.0f} "
          f"{dup_rate / baseline:>6.2f}x")  # fmt: skip
    ok = rate["a8"] >= GOAL_ROWS_PER_S
    print(
        f"\n  ingest {rate['a8']:,.0f} rows/s with {CONCURRENCY} sources at once, as the refresh "
        f"cycle stores  (goal ≥ {GOAL_ROWS_PER_S:,})  {verdict(ok)}"
    )
    print(f"  one source at a time: {rate['a']:,.0f} rows/s; COPY + staging vs adapter: "
          f"{rate['b'] / rate['a']:.2f}x; binary parameters vs adapter: "
          f"{rate['a2'] / rate['a']:.2f}x")  # fmt: skip

    return [
        Figure(NAME, f"ingest rows/s, (a8) adapter, {CONCURRENCY} sources at once", rate["a8"],
               "rows/s", f"goal ≥ {GOAL_ROWS_PER_S:,}; baseline (c8) {rate['c8']:,.0f}",
               rate["a8"] / rate["c8"], ok),
        Figure(NAME, "ingest rows/s, (a) adapter add_new, one source at a time", rate["a"],
               "rows/s", f"baseline (c) {baseline:,.0f}", rate["a"] / baseline),
        Figure(NAME, "ingest rows/s, (a2) add_new SQL, binary params", rate["a2"], "rows/s",
               f"baseline (c) {baseline:,.0f}", rate["a2"] / baseline),
        Figure(NAME, "ingest rows/s, (b) COPY + staging", rate["b"], "rows/s",
               f"baseline (c) {baseline:,.0f}", rate["b"] / baseline),
        Figure(NAME, "ingest rows/s, (c) executemany", baseline, "rows/s", "baseline", 1.0),
        Figure(NAME, "ingest rows/s, (a) all duplicates", dup_rate, "rows/s",
               f"baseline (c) {baseline:,.0f}", dup_rate / baseline),
    ]  # fmt: skip


def main() -> None:
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
