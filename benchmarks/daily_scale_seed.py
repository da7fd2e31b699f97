"""The creators `benchmarks.daily_scale` runs the day for, stored as the real app stores them.

Every user is verified, in one of a dozen timezones, with a delivery time that falls within the
hour after the simulated moment (so their drafts are due then, and their email an hour later),
N RSS sources, M fresh items per source and P style posts with their embedded chunks.

What makes it the app's own data: the style posts are the eval creators' posts
(`eval_data/voices.json`, 5 voices x 26), stored as `StylePost.create` stores them and chunked
and embedded as `ProcessStylePosts` does, by the `LocalEmbedder` the run itself uses; the items
are the real-feeds corpus (else the package's sample feeds) parsed by `parse_feed`, screened by
the ingest's `screen` with the real language detector and built by `SourceItem.create`; only
their publication times are moved into the day before the run. Many users share these texts
(as followers of a popular feed do), so each is parsed and embedded once; rows are written by
binary COPY as the owner, which is fast and not what is measured.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from pgvector import Vector
from pgvector.psycopg import register_vector

from creatorpulse.adapters.feeds.parse import parse_feed
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.local_embedder import LocalEmbedder
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.schedule import EARLIEST_DELIVERY, LATEST_DELIVERY
from creatorpulse.domain.model.style import StylePost
from creatorpulse.domain.model.text import chunk
from creatorpulse.domain.use_cases.ingest import screen
from creatorpulse.entrypoints.demo import sample_documents

VOICES = Path(__file__).with_name("eval_data") / "voices.json"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real-feeds"
ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Africa/Lagos", "Asia/Kolkata",
    "Asia/Singapore", "Asia/Tokyo", "America/New_York", "America/Chicago", "America/Sao_Paulo",
    "Australia/Sydney", "America/Los_Angeles", "Pacific/Auckland",
)  # fmt: skip
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VlZGVkLXVzZXI$not-a-real-hash"
MAX_FEEDS = 200  # every usable feed of the corpus: the more distinct items, the fewer shared


@dataclass(frozen=True)
class Shape:
    users: int
    sources: int = 5
    posts: int = 20
    items: int = 12  # per source, published over the last day
    seed: int = 7
    corpus: bool = True  # the real-feeds corpus when present; else the package's 3 sample feeds


@dataclass(frozen=True)
class Feed:
    url: str
    name: str
    items: list[SourceItem]  # templates: ids and owners are filled per follower


@dataclass(frozen=True)
class Post:
    template: StylePost
    chunks: list[tuple[str, Vector]]


@dataclass(frozen=True)
class Creator:
    id: uuid.UUID
    email: str
    timezone: str
    delivery_time: clock_time
    posts: list[Post]
    feeds: list[Feed]


async def voices() -> list[list[Post]]:
    """Each eval creator's posts, chunked and embedded the way ProcessStylePosts does it."""
    embedder, at = LocalEmbedder(), datetime.fromtimestamp(0).astimezone()
    found = []
    for voice in json.loads(VOICES.read_text("utf-8")).values():
        posts = []
        for text in voice["posts"]:
            post = StylePost.create(id=uuid.uuid4(), user_id=uuid.uuid4(), content=text, now=at)
            parts = chunk(post.embedding_text)
            vectors = await embedder.embed_documents(parts)
            posts.append(Post(post, [(p, Vector(v)) for p, v in zip(parts, vectors, strict=True)]))
        found.append(posts)
    return found


def feeds(now: datetime, per_feed: int, corpus: bool = True) -> list[Feed]:
    """Feeds with at least `per_feed` items that pass the ingest's screening, as stored."""
    index, documents = sample_documents()
    named = {f.url: f.name for f in index}
    if corpus and CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.xml")):
            documents[f"https://feeds.example.com/{path.stem}.xml"] = path.read_bytes()
    language, pool = FastTextLanguage(), []
    for url, data in documents.items():
        try:
            parsed = parse_feed(data, base_url=url, now=now)
        except InvalidInput:
            continue
        kept = screen(parsed.items, language).kept[:per_feed]
        if len(kept) < per_feed:
            continue
        name = (named.get(url) or parsed.title or url).strip()[:100] or url
        ids = uuid.UUID(int=0)
        items = [SourceItem.create(id=ids, source_id=ids, user_id=ids, item=e, content=c, now=now)
                 for e, c, _ in kept]  # fmt: skip
        pool.append(Feed(url, name, items))
        if len(pool) == MAX_FEEDS:
            break
    return pool


def delivery(rng: random.Random, now: datetime) -> tuple[str, clock_time]:
    """A zone and a local delivery time 1-60 minutes after `now` (inside 06:00-22:00 there)."""
    while True:
        zone = rng.choice(ZONES)
        local = (now + timedelta(minutes=rng.randint(1, 60))).astimezone(ZoneInfo(zone))
        at = local.time().replace(second=0, microsecond=0)
        if EARLIEST_DELIVERY <= at <= LATEST_DELIVERY:
            return zone, at


def creators(
    shape: Shape, now: datetime, pool: list[Feed], styles: list[list[Post]]
) -> Iterator[Creator]:
    if len(pool) < shape.sources:
        raise RuntimeError(
            f"only {len(pool)} feeds have {shape.items} usable items; ask for fewer --sources "
            f"or --items, or provide the real-feeds corpus in {CORPUS}"
        )
    rng = random.Random(shape.seed)
    for n in range(shape.users):
        zone, at = delivery(rng, now)
        posts = rng.sample(rng.choice(styles), shape.posts)
        user_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        email = f"creator{n:06d}@example.com"
        yield Creator(user_id, email, zone, at, posts, rng.sample(pool, shape.sources))


Row = tuple[object, ...]
U, T, B, TS, I4 = "uuid", "text", "bool", "timestamptz", "int4"
COLUMNS = {
    "users": (("id", U), ("email", T), ("password_hash", T), ("timezone", T),
              ("delivery_time", "time"), ("active", B), ("email_verified", B),
              ("email_notifications", B), ("mail_paused", T), ("created_at", TS),
              ("updated_at", TS)),
    "sources": (("id", U), ("user_id", U), ("type", T), ("url", T), ("name", T), ("active", B),
                ("last_checked", TS), ("error_count", I4), ("last_error", T),
                ("created_at", TS), ("updated_at", TS)),
    "source_content": (("id", U), ("source_id", U), ("user_id", U), ("title", T),
                       ("content", T), ("url", T), ("published_at", TS), ("content_hash", T),
                       ("processed", B), ("created_at", TS)),
    "user_style_posts": (("id", U), ("user_id", U), ("content", T), ("content_hash", T),
                         ("processed", B), ("word_count", I4), ("character_count", I4),
                         ("created_at", TS), ("processed_at", TS)),
    "style_vectors": (("id", U), ("user_id", U), ("style_post_id", U), ("content", T),
                      ("embedding", "vector"), ("created_at", TS)),
}  # fmt: skip


def _copy(cur: psycopg.Cursor[Row], table: str, rows: Iterator[Row]) -> int:
    columns = COLUMNS[table]
    names = ", ".join(name for name, _ in columns)
    written = 0
    with cur.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([kind for _, kind in columns])
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def _rows(people: list[Creator], now: datetime) -> dict[str, Iterator[Row]]:
    """Each table's rows, generated as COPY asks for them (nothing big is held in memory)."""
    sources = {c.id: [(uuid.uuid4(), f) for f in c.feeds] for c in people}
    posts = {c.id: [(uuid.uuid4(), p) for p in c.posts] for c in people}
    month, weeks = now - timedelta(days=30), now - timedelta(days=20)

    def items(c: Creator) -> Iterator[Row]:
        for source_id, feed in sources[c.id]:
            step = timedelta(hours=22) / len(feed.items)
            for k, i in enumerate(feed.items):
                published = now - timedelta(hours=1) - k * step
                yield (uuid.uuid4(), source_id, c.id, i.title, i.content, i.url, published,
                       i.content_hash, False, published + timedelta(minutes=10))  # fmt: skip

    return {
        "users": ((c.id, c.email, PASSWORD_HASH, c.timezone, c.delivery_time, True, True, True,
                   None, month, month) for c in people),
        "sources": ((source_id, c.id, "rss", feed.url, feed.name, True, now, 0, None, month, now)
                    for c in people for source_id, feed in sources[c.id]),
        "source_content": (row for c in people for row in items(c)),
        "user_style_posts": ((post_id, c.id, p.template.content, p.template.content_hash, True,
                              p.template.word_count, p.template.character_count, weeks, weeks)
                             for c in people for post_id, p in posts[c.id]),
        "style_vectors": ((uuid.uuid4(), c.id, post_id, text, vector, weeks)
                          for c in people for post_id, p in posts[c.id]
                          for text, vector in p.chunks),
    }  # fmt: skip


def store(owner_url: str, people: list[Creator], now: datetime) -> dict[str, int]:
    """Every row by binary COPY in one transaction, then VACUUM ANALYZE (as autovacuum would)."""
    with psycopg.connect(owner_url) as conn:
        register_vector(conn)
        with conn.cursor() as cur:
            counts = {table: _copy(cur, table, rows) for table, rows in _rows(people, now).items()}
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return counts


async def seed(owner_url: str, shape: Shape, now: datetime) -> tuple[dict[str, int], float]:
    """Seeds `shape.users` creators due around `now`; returns row counts and seconds taken."""
    started = time.perf_counter()
    pool, styles = feeds(now, shape.items, shape.corpus), await voices()
    people = list(creators(shape, now, pool, styles))
    counts = store(owner_url, people, now)
    return counts | {"feeds": len(pool)}, time.perf_counter() - started
