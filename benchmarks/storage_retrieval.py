"""Style retrieval at scale: top-5 exact cosine search per user through the real adapter.

Loads users x chunks random, seeded, L2-normalised 768-dim vectors into a throwaway embedded
PostgreSQL (binary COPY as the owner, then VACUUM ANALYZE as autovacuum would), then times
`PgUnitOfWorkFactory.for_user(uid, read_only=True)` → `tx.style_chunks.nearest(uid, q, 5)` for
random users, on uvloop as the worker runs (`entrypoints.worker.runtime.run`), checks recall@5
against a brute-force pure-Python search over that user's vectors, and breaks the latency down
(bare SQL, result format, RLS transaction, server execution time) so what dominates is visible.

    .venv/bin/python -m benchmarks.storage_retrieval [--users 1000 --chunks 200 --queries 200]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import operator
import random
import re
import struct
import sys
import time
import uuid
from array import array
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from pgvector import Vector
from pgvector.psycopg import register_vector_async

from benchmarks.common import Figure, embedded_database, percentile, verdict
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.embedded import as_role
from creatorpulse.adapters.postgres.migrate import APP_ROLE
from creatorpulse.entrypoints.worker.runtime import run_loop

NAME = "storage_retrieval"
DIM = 768
TOP_K = 5
P50_GOAL_MS = 1.0
RECALL_GOAL = 1.0
WARMUP = 20
# The search PgStyleChunks.nearest runs, through the style_nearest function (migration 0011;
# kept in step by hand), with the embedding returned too.
NEAREST_SQL = (
    "SELECT id, user_id, style_post_id, content, embedding, created_at, "
    "1 - (embedding <=> %(q)s) AS similarity FROM style_vectors "
    "WHERE user_id = %(user)s ORDER BY embedding <=> %(q)s, id LIMIT %(limit)s"
)
# What retrieval's callers use (generate_drafts reads id, post, content, similarity; never the
# embedding): the same ranking without shipping 3 KB of vector text back per row.
NEAREST_LEAN_SQL = (
    "SELECT id, user_id, style_post_id, content, created_at, "
    "1 - (embedding <=> %(q)s) AS similarity FROM style_vectors "
    "WHERE user_id = %(user)s ORDER BY embedding <=> %(q)s, id LIMIT %(limit)s"
)
# Leaner still: the distance computed once per row (the similarity is 1 - distance, in Python).
NEAREST_DISTANCE_SQL = (
    "SELECT id, user_id, style_post_id, content, created_at, embedding <=> %(q)s AS distance "
    "FROM style_vectors WHERE user_id = %(user)s ORDER BY distance, id LIMIT %(limit)s"
)
VOCAB = (
    "audience", "story", "launch", "founder", "growth", "lesson", "hiring", "product",
    "customer", "feedback", "team", "pricing", "market", "content", "newsletter", "writing",
    "habit", "weekly", "failure", "success", "metric", "churn", "roadmap", "design", "engineer",
    "sales", "pipeline", "brand", "trust", "community", "remote", "culture", "coffee",
    "meeting", "focus", "deep", "work", "mentor", "career", "pivot", "risk", "experiment",
    "data", "insight", "simple", "clear", "honest", "practical", "tactical", "playbook",
    "framework", "mistake", "learned", "today", "really",
)  # fmt: skip
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)
_VECTOR_HEADER = struct.pack(">iHH", 4 + 4 * DIM, DIM, 0)


def unit_vector(rng: random.Random) -> array[float]:
    """A random L2-normalised vector, stored as float4 like pgvector does."""
    raw = array("h", rng.randbytes(2 * DIM))
    inverse = 1.0 / math.hypot(*raw)
    return array("f", [x * inverse for x in raw])


@dataclass(frozen=True)
class Chunk:
    id: uuid.UUID
    style_post_id: uuid.UUID
    content: str
    embedding: array[float]


class Dataset:
    """Deterministic from the seed: any user's rows can be regenerated for the recall check."""

    def __init__(self, seed: int, users: int, chunks: int, posts: int) -> None:
        self.seed, self.chunks_per_user, self.posts_per_user = seed, chunks, posts
        rng = random.Random(seed)
        self.user_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(users)]

    def _rng(self, user: int) -> random.Random:
        return random.Random(f"{self.seed}:{user}")

    def posts(self, user: int) -> list[tuple[uuid.UUID, str]]:
        rng = random.Random(f"{self.seed}:{user}:posts")
        found = []
        for n in range(self.posts_per_user):
            words = " ".join(rng.choices(VOCAB, k=rng.randint(60, 120)))
            found.append((uuid.UUID(int=rng.getrandbits(128), version=4), f"Post {n}: {words}"))
        return found

    def chunks(self, user: int) -> Iterator[Chunk]:
        post_ids = [post_id for post_id, _ in self.posts(user)]
        rng = self._rng(user)
        for n in range(self.chunks_per_user):
            chunk_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            content = " ".join(rng.choices(VOCAB, k=rng.randint(50, 80)))
            yield Chunk(chunk_id, post_ids[n % len(post_ids)], content, unit_vector(rng))


def _field(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data


def _vector_row(user_id: uuid.UUID, chunk: Chunk) -> bytes:
    big_endian = array("f", chunk.embedding)
    if sys.byteorder == "little":
        big_endian.byteswap()
    return b"".join((
        struct.pack(">h", 5),
        _field(chunk.id.bytes),
        _field(user_id.bytes),
        _field(chunk.style_post_id.bytes),
        _field(chunk.content.encode()),
        _VECTOR_HEADER,
        big_endian.tobytes(),
    ))  # fmt: skip


def load(owner_url: str, data: Dataset) -> float:
    """Users, their style posts and every chunk, by COPY as the owner; returns seconds taken."""
    started = time.perf_counter()
    with psycopg.connect(owner_url) as conn, conn.cursor() as cur:
        with cur.copy("COPY users (id, email, password_hash, email_verified) FROM STDIN") as cp:
            for n, user_id in enumerate(data.user_ids):
                cp.write_row((user_id, f"bench{n}@example.com", "not-a-real-hash", True))
        with cur.copy(
            "COPY user_style_posts (id, user_id, content, content_hash, processed, word_count, "
            "character_count) FROM STDIN"
        ) as cp:
            for n, user_id in enumerate(data.user_ids):
                for post_id, text in data.posts(n):
                    digest = hashlib.sha256(text.encode()).hexdigest()
                    cp.write_row(
                        (post_id, user_id, text, digest, True, len(text.split()), len(text))
                    )
        with cur.copy(
            "COPY style_vectors (id, user_id, style_post_id, content, embedding) "
            "FROM STDIN (FORMAT BINARY)"
        ) as cp:
            cp.write(_COPY_HEADER)
            for n, user_id in enumerate(data.user_ids):
                cp.write(b"".join(_vector_row(user_id, chunk) for chunk in data.chunks(n)))
                if (n + 1) % 250 == 0:
                    print(f"  loaded {n + 1:>5} users", flush=True)
            cp.write(_COPY_TRAILER)
        conn.commit()
        conn.autocommit = True
        # What autovacuum does to an insert-only table soon after a bulk load (and might start
        # in the middle of the measurement): hint bits and the visibility map set. Without it
        # the first search of each user sets them on its ~100 pages, and with data checksums
        # (PostgreSQL 18's default) logs a full-page image of each: ~0.3 ms more at p50 and
        # 5-15 ms at p99, a cost no creator sees twice. VACUUM reads through a small ring of
        # buffers, so the pages stay out of shared_buffers: the first touch is still one.
        conn.execute("VACUUM (ANALYZE)")
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('style_vectors'))")
        print(f"  style_vectors: {size.fetchone()[0]} (heap + TOAST + indexes)")
    return time.perf_counter() - started


def brute_force(data: Dataset, user: int, query: Sequence[float]) -> list[tuple[uuid.UUID, float]]:
    """Top-k by cosine similarity over the user's float4 vectors, in plain Python."""
    q = array("f", query)
    q_norm = math.sqrt(sum(map(operator.mul, q, q)))
    scored = []
    for chunk in data.chunks(user):
        v = chunk.embedding
        dot = sum(map(operator.mul, q, v))
        scored.append((dot / (q_norm * math.sqrt(sum(map(operator.mul, v, v)))), chunk.id))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [(chunk_id, similarity) for similarity, chunk_id in scored[:TOP_K]]


@dataclass
class Timings:
    label: str
    seconds: list[float]

    @property
    def p50_ms(self) -> float:
        return percentile(self.seconds, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.seconds, 99) * 1000


Query = tuple[uuid.UUID, list[float]]


async def measure(
    owner_url: str, warmup: Sequence[Query], queries: Sequence[Query]
) -> dict[str, Any]:
    db = Database(owner_url, max_connections=2)
    factory = await db.open()
    bare = await psycopg.AsyncConnection.connect(owner_url, autocommit=True)
    await register_vector_async(bare)
    app = await psycopg.AsyncConnection.connect(as_role(owner_url, APP_ROLE))
    await register_vector_async(app)
    try:

        def params(query: Query, limit: int = TOP_K) -> dict[str, Any]:
            return {"q": Vector(query[1]), "user": query[0], "limit": limit}

        async def adapter(
            query: Query, limit: int = TOP_K, read_only: bool = True
        ) -> list[tuple[uuid.UUID, float]]:
            user_id, vector = query
            async with factory.for_user(user_id, read_only=read_only) as tx:
                found = await tx.style_chunks.nearest(user_id, vector, limit)
            return [(chunk.id, similarity) for chunk, similarity in found]

        async def adapter_top20(query: Query) -> Any:
            return await adapter(query, 20)

        async def adapter_read_write(query: Query) -> Any:
            # BEGIN + scope + SELECT in one pipelined round trip, ROLLBACK in a second
            return await adapter(query, read_only=False)

        async def bare_sql(query: Query) -> list[Any]:
            async with bare.cursor() as cur:
                await cur.execute(NEAREST_SQL, params(query))
                return await cur.fetchall()

        async def bare_binary(query: Query) -> list[Any]:
            async with bare.cursor(binary=True) as cur:
                await cur.execute(NEAREST_SQL, params(query))
                return await cur.fetchall()

        async def bare_lean(query: Query) -> list[Any]:
            async with bare.cursor() as cur:
                await cur.execute(NEAREST_LEAN_SQL, params(query))
                return await cur.fetchall()

        async def rls_transaction(query: Query) -> list[Any]:
            # A scoped transaction one statement at a time (psycopg's implicit BEGIN,
            # set_config, SELECT, ROLLBACK) on one connection, without the pool or hydration.
            async with app.cursor() as cur:
                await cur.execute("SELECT set_config('app.user_id', %s, true)", (str(query[0]),))
                await cur.execute(NEAREST_SQL, params(query))
                rows = await cur.fetchall()
            await app.rollback()
            return rows

        async def rls_pipelined_lean(query: Query) -> list[Any]:
            # A leaner adapter: BEGIN + set_config + SELECT sent together in a pipeline, no
            # embedding shipped back, distance computed once, then ROLLBACK.
            async with app.pipeline(), app.cursor() as cur:
                await cur.execute("SELECT set_config('app.user_id', %s, true)", (str(query[0]),))
                await cur.execute(NEAREST_DISTANCE_SQL, params(query))
                rows = await cur.fetchall()
            await app.rollback()
            return rows

        async def round_trip(_: Query) -> list[Any]:
            # The floor under every path: one empty statement there and back (Unix socket).
            async with bare.cursor() as cur:
                await cur.execute("SELECT 1")
                return await cur.fetchall()

        async def server_seconds(statement: str, query: Query) -> float:
            async with bare.cursor() as cur:
                await cur.execute(
                    "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + statement, params(query)
                )
                plan = (await cur.fetchone())[0]
            return float(plan[0]["Execution Time"]) / 1000

        for query in warmup:  # connections, prepared statements, catalog caches
            for warm_up in (adapter, adapter_read_write, bare_sql, bare_binary, bare_lean,
                            rls_transaction, rls_pipelined_lean):  # fmt: skip
                await warm_up(query)

        # First touch: each user's rows are read for the first time since the load (from the
        # OS cache: COPY and VACUUM write and read through small rings of buffers).
        first = Timings("adapter, first touch of each user", [])
        results = []
        for query in queries:
            started = time.perf_counter()
            results.append(await adapter(query))
            first.seconds.append(time.perf_counter() - started)

        # Then every path again, interleaved per query so machine noise hits all alike.
        paths: list[tuple[str, Callable[[Query], Awaitable[Any]]]] = [
            ("adapter, same users again", adapter),
            ("adapter, top-20 (what generate_drafts asks)", adapter_top20),
            ("adapter, read-write unit of work", adapter_read_write),
            ("bare SQL (owner, autocommit, text results)", bare_sql),
            ("bare SQL, binary results", bare_binary),
            ("bare SQL, no embedding returned", bare_lean),
            ("BEGIN, set_config, SELECT, ROLLBACK: 4 round trips", rls_transaction),
            ("pipelined, no embedding, distance once", rls_pipelined_lean),
            ("one round trip (SELECT 1)", round_trip),
        ]
        timings = [Timings(label, []) for label, _ in paths]
        server = Timings("server execution time (EXPLAIN ANALYZE)", [])
        server_lean = Timings("server execution time, distance once", [])
        for number, query in enumerate(queries):
            # Each query's first path reads the user's pages back into shared buffers (200k
            # vectors do not fit), so the path that goes first rotates.
            turn = number % len(paths)
            pairs = list(zip(timings, paths, strict=True))
            for timing, (_, path) in pairs[turn:] + pairs[:turn]:
                started = time.perf_counter()
                await path(query)
                timing.seconds.append(time.perf_counter() - started)
            server.seconds.append(await server_seconds(NEAREST_SQL, query))
            server_lean.seconds.append(await server_seconds(NEAREST_DISTANCE_SQL, query))

        # Back to back on a warm database: every user's pages are in shared buffers by now, and
        # nothing runs between two searches (above, the other paths' work runs in between).
        back_to_back = Timings("adapter, back to back, warm database", [])
        for query in queries:
            started = time.perf_counter()
            await adapter(query)
            back_to_back.seconds.append(time.perf_counter() - started)

        async with bare.cursor() as cur:
            await cur.execute("SET ROLE " + APP_ROLE)
            await cur.execute("SELECT set_config('app.user_id', %s, false)", (str(queries[0][0]),))
            await cur.execute(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + NEAREST_SQL, params(queries[0])
            )
            plan_text = "\n".join(row[0] for row in await cur.fetchall())
            await cur.execute("RESET ROLE")
            storage = await (await cur.execute(
                "SELECT attstorage FROM pg_attribute "
                "WHERE attrelid = 'style_vectors'::regclass AND attname = 'embedding'"
            )).fetchone()  # fmt: skip
        return {
            "first": first,
            "variants": [*timings, back_to_back, server, server_lean],
            "results": results,
            "plan": plan_text,
            "storage": {"p": "plain", "e": "external", "m": "main", "x": "extended"}.get(
                storage[0] if storage else "", "?"
            ),
        }
    finally:
        await app.close()
        await bare.close()
        await db.close()


def run(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storage_retrieval")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--chunks", type=int, default=200, help="chunks per user")
    parser.add_argument("--posts", type=int, default=5, help="style posts per user")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--storage",
        choices=("plain", "main", "external", "extended"),
        help="what-if: ALTER COLUMN embedding SET STORAGE this before loading "
        "(default: the schema as migrated)",
    )
    args = parser.parse_args(argv)
    if args.queries + WARMUP > args.users:
        parser.error("--users must exceed --queries + 20 (each query is a different user)")

    data = Dataset(args.seed, args.users, args.chunks, args.posts)
    rng = random.Random(args.seed + 1)
    picked = rng.sample(range(args.users), args.queries + WARMUP)
    warmup = [(data.user_ids[u], unit_vector(rng).tolist()) for u in picked[:WARMUP]]
    measured_users = picked[WARMUP:]
    queries = [(data.user_ids[u], unit_vector(rng).tolist()) for u in measured_users]

    total = args.users * args.chunks
    print(f"== {NAME}: {args.users} users x {args.chunks} chunks = {total:,} vectors, {DIM} dims")
    with embedded_database("retrieval") as owner_url:
        if args.storage:
            with psycopg.connect(owner_url, autocommit=True) as conn:
                conn.execute(
                    f"ALTER TABLE style_vectors ALTER COLUMN embedding SET STORAGE {args.storage}"
                )
            print(f"  what-if: embedding column STORAGE {args.storage.upper()}")
        seconds = load(owner_url, data)
        rate = f"{total / seconds:,.0f} vectors/s"
        print(f"  load + VACUUM ANALYZE: {seconds:.1f} s ({rate}, binary COPY)")
        measured = run_loop(measure(owner_url, warmup, queries))  # the worker's event loop

    hits, worst_gap = 0, 0.0
    for user, query, found in zip(measured_users, queries, measured["results"], strict=True):
        expected = brute_force(data, user, query[1])
        hits += len({i for i, _ in found} & {i for i, _ in expected})
        for (_, got), (_, want) in zip(found, expected, strict=False):
            worst_gap = max(worst_gap, abs(got - want))
    recall = hits / (TOP_K * len(queries))

    first: Timings = measured["first"]
    warm, *_ = measured["variants"]
    bare = next(t for t in measured["variants"] if t.label.startswith("bare SQL (owner"))
    steady = next(t for t in measured["variants"] if t.label.startswith("adapter, back to back"))
    print(f"\n  top-{TOP_K} over {len(queries)} queries, a different random user each"
          f" (embedding storage: {measured['storage']}):")  # fmt: skip
    print(f"  {'path':<50} {'p50 ms':>8} {'p99 ms':>8}")
    for timing in (first, *measured["variants"]):
        print(f"  {timing.label:<50} {timing.p50_ms:>8.3f} {timing.p99_ms:>8.3f}")
    overhead = warm.p50_ms - bare.p50_ms
    print(f"  adapter over bare SQL (p50, warm): {overhead:+.3f} ms")
    p50_ok, recall_ok = first.p50_ms <= P50_GOAL_MS, recall >= RECALL_GOAL
    print(f"\n  adapter p50 {first.p50_ms:.3f} ms  (goal ≤ {P50_GOAL_MS} ms)  {verdict(p50_ok)}")
    print(f"  adapter p99 {first.p99_ms:.3f} ms")
    print(
        f"  adapter back to back on the warm database: p50 {steady.p50_ms:.3f} ms, "
        f"p99 {steady.p99_ms:.3f} ms (no verdict: the goal is read on the first touch)"
    )
    print(f"  bare SQL p50 {bare.p50_ms:.3f} ms (warm, no RLS transaction)")
    print(f"  recall@{TOP_K} {recall:.4f}  (goal {RECALL_GOAL})  {verdict(recall_ok)}"
          f"   max |similarity - brute force| = {worst_gap:.1e}")  # fmt: skip
    print("\n  plan (app role, RLS on, first measured query; query vector elided):")
    for line in measured["plan"].splitlines():
        print("    " + re.sub(r"'\[[^']*\]'", "'[...]'", line))

    suffix = f" [storage {args.storage}]" if args.storage else ""
    return [
        Figure(NAME, f"retrieval p50, adapter{suffix}", first.p50_ms, "ms",
               f"goal ≤ {P50_GOAL_MS} ms", P50_GOAL_MS / first.p50_ms, p50_ok),
        Figure(NAME, f"retrieval p99, adapter{suffix}", first.p99_ms, "ms", "-"),
        Figure(NAME, f"retrieval p50, adapter back to back, warm{suffix}", steady.p50_ms, "ms",
               "first touch above; nothing between searches"),
        Figure(NAME, f"retrieval p50, bare SQL warm{suffix}", bare.p50_ms, "ms",
               f"adapter warm {warm.p50_ms:.3f} ms", warm.p50_ms / bare.p50_ms),
        Figure(NAME, f"recall@{TOP_K}{suffix}", recall, "", f"goal {RECALL_GOAL}",
               recall / RECALL_GOAL, recall_ok),
    ]  # fmt: skip


def main() -> None:
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
