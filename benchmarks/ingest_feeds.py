"""Feed ingestion, the whole path, against plain feedparser; then a 304 pass.

Serves the shared real-feeds corpus (200 feeds as sites publish them, plus synthetic ones up
to --feeds) from a loopback HTTP server with ETags, in a process of its own. One fetch cycle
(`RefreshFeeds`, the product's own) fetches every address through HttpFeedFetcher
(SafeFetcher with the operator flag for loopback), parses, sanitises, quality-filters
(language detection included), dedupes and stores the items with the real PostgreSQL adapter
into an embedded server in a temp data dir, and records each source's and address's state.
The baseline is plain `feedparser.parse(bytes)` on the same bytes, with no network, no
sanitising and no storage. A second cycle sends the validators from the first; every feed
should come back 304 with nothing parsed. Last, the floor: the CPU that fetching, fastfeedparser,
one nh3 pass over the markup kept and language detection take on their own, against the CPU
time 10x feedparser leaves on this machine's cores.

    .venv/bin/python -m benchmarks.ingest_feeds [--feeds 200 --concurrency 8 --followers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import fastfeedparser
import feedparser
import nh3

from benchmarks.common import Figure, embedded_database, verdict
from creatorpulse.adapters.feeds.fast import entry_body
from creatorpulse.adapters.feeds.fetcher import HttpFeedFetcher
from creatorpulse.adapters.http import HttpAnswer, SafeFetcher
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.system import FixedClock, RandomIds
from creatorpulse.domain.model.items import FetchedItem, prepare_content
from creatorpulse.domain.model.sources import MAX_SOURCES_PER_USER, Source
from creatorpulse.domain.model.users import User
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.refresh_feeds import RefreshFeeds
from creatorpulse.ports.feeds import FetchedFeed
from creatorpulse.ports.storage import UnitOfWorkFactory

NAME = "ingest_feeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real-feeds"


def synthetic_feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>Post {n}.{i}: what we learned shipping feature {i}</title>"
        f"<link>https://blog{n}.example/posts/{i}</link>"
        f"<description>&lt;p&gt;We shipped &lt;b&gt;feature {i}&lt;/b&gt; after three weeks of "
        f"work. Here is what went right, what broke, and what we would do again.&lt;/p&gt;"
        f"</description><pubDate>Tue, 02 Jan 2024 {i % 24:02d}:00:00 GMT</pubDate></item>"
        for i in range(30)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog {n}</title>'
        f"<link>https://blog{n}.example/</link><description>d</description>{items}"
        "</channel></rss>"
    ).encode()


def documents(count: int) -> dict[str, bytes]:
    docs = (
        {f"/{p.name}": p.read_bytes() for p in sorted(CORPUS.iterdir())} if CORPUS.is_dir() else {}
    )
    for n in range(len(docs), count):
        docs[f"/synthetic-{n}.xml"] = synthetic_feed(n)
    return dict(list(docs.items())[:count])


def serve(docs: dict[str, bytes]) -> ThreadingHTTPServer:
    """The feeds over HTTP from a thread of this process (tests use it this way)."""
    tags = {path: f'"{hashlib.sha256(body).hexdigest()[:16]}"' for path, body in docs.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body, tag = docs[self.path], tags[self.path]
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", tag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


_SERVE = (
    "import sys, threading; from benchmarks.ingest_feeds import documents, serve; "
    "print(serve(documents(int(sys.argv[1]))).server_address[1], flush=True); "
    "threading.Event().wait()"
)


@contextmanager
def feed_server(count: int) -> Iterator[int]:
    """The feeds from another process, as sites are: the server's threads must not take the
    measured process's GIL (in-process they cost the whole path about a third)."""
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(count)], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        process.kill()
        process.wait()


class CountingFeeds(HttpFeedFetcher):
    """The real fetcher, counting the parses it runs (a 304 must cost none)."""

    parses = 0

    async def _parse(self, answer: HttpAnswer) -> FetchedFeed:
        self.parses += 1
        return await super()._parse(answer)


async def follow(uow: UnitOfWorkFactory, urls: list[str], followers: int) -> None:
    """`followers` creators per address, at most 20 addresses each (the product's limit)."""
    async with uow.system() as tx:
        for _ in range(followers):
            for start in range(0, len(urls), MAX_SOURCES_PER_USER):
                user = User.register(
                    id=uuid.uuid4(), email=f"{uuid.uuid4().hex}@bench.example",
                    password_hash="x", timezone="UTC", delivery_time="08:00",
                    now=datetime.now(UTC),
                )  # fmt: skip
                user.email_verified = True
                await tx.users.add(user)
                for url in urls[start : start + MAX_SOURCES_PER_USER]:
                    source = Source.create(
                        id=uuid.uuid4(), user_id=user.id, type="rss", url=url,
                        name="Bench", now=datetime.now(UTC),
                    )  # fmt: skip
                    await tx.sources.add(source)
        await tx.commit()


def markup_kept(docs: dict[str, bytes]) -> list[str]:
    """What any ingest of these feeds must sanitise: each entry's title and the body parse_fast
    keeps, as fastfeedparser hands them over."""
    found = []
    for body in docs.values():
        try:
            parsed = fastfeedparser.parse(
                body, include_tags=False, include_media=True, include_enclosures=False
            )
        except Exception:  # feedparser's share: not counted, so the floor stays a floor
            continue
        for entry in parsed.get("entries") or []:
            title = entry.get("title")
            found.extend((title if isinstance(title, str) else "", entry_body(entry)))
    return found


async def floor(docs: dict[str, bytes], urls: list[str], concurrency: int) -> dict[str, float]:
    """CPU seconds of the steps no ingest of these feeds can skip, each on its own."""
    spent: dict[str, float] = {}
    limit = asyncio.Semaphore(concurrency)
    async with SafeFetcher(allow_private_networks=True, total_timeout=60) as http:

        async def get(url: str) -> None:
            async with limit:
                await http.get(url, None)

        await asyncio.gather(*map(get, urls[:concurrency]))  # connections open, as in the cycle
        started = time.process_time()
        await asyncio.gather(*map(get, urls))
        spent["fetch"] = time.process_time() - started
    started = time.process_time()
    markup = markup_kept(docs)
    spent["fastfeedparser"] = time.process_time() - started
    cleaner = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)
    started = time.process_time()  # text with no tag and no entity needs no pass
    texts = [cleaner.clean(m) if "<" in m or "&" in m else m for m in markup]
    spent["one nh3 pass"] = time.process_time() - started
    language = FastTextLanguage()
    contents = [prepare_content(FetchedItem(title=None, content=t)) for t in texts[1::2]]
    language.detect("a warm model")
    started = time.process_time()
    for content in contents:
        language.detect(content)
    spent["language detection"] = time.process_time() - started
    return spent


async def measure(
    owner_url: str, docs: dict[str, bytes], port: int, concurrency: int, followers: int,
    outbox: Path,
) -> list[Figure]:  # fmt: skip
    urls = [f"http://127.0.0.1:{port}{path}" for path in docs]
    total_mb = sum(map(len, docs.values())) / 1e6
    print(f"feeds: {len(docs)} ({total_mb:.1f} MB), {followers} follower(s) each, "
          f"concurrency {concurrency}, {os.cpu_count()} cores")  # fmt: skip

    started = time.perf_counter()
    for body in docs.values():
        feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    baseline_seconds = time.perf_counter() - started
    baseline = len(docs) / baseline_seconds
    print(f"baseline  feedparser.parse(bytes), in memory, no sanitising: {baseline:8.1f} feeds/s")

    database = Database(owner_url, max_connections=concurrency + 2)
    uow = await database.open()
    await follow(uow, urls, followers)
    clock = FixedClock(datetime.now(UTC))
    ids = RandomIds()
    mail = SendTransactionalEmail(uow, OutboxMailer(outbox, "bench@example.com"), clock, ids)
    async with SafeFetcher(allow_private_networks=True, total_timeout=60) as http:
        feeds = CountingFeeds(http, now=clock.now)
        cycle = RefreshFeeds(
            uow, SourceFetchers(feeds), clock, ids, FastTextLanguage(), mail,
            "https://bench.example", concurrency=concurrency,
        )  # fmt: skip
        started = time.perf_counter()
        first = await cycle()
        ours = len(docs) / (time.perf_counter() - started)
        print(
            f"ours      fetch + parse + sanitise + filter + dedupe + store (PostgreSQL): "
            f"{ours:8.1f} feeds/s ({first.stored} items stored, {first.failed} failed)"
        )
        print(f"ratio     ours / baseline: {ours / baseline:.1f}x (goal 10x)")

        clock.advance(timedelta(days=1, minutes=1))  # past every <ttl> / max-age hint
        parsed_before = feeds.parses
        started = time.perf_counter()
        second = await cycle()
        elapsed = time.perf_counter() - started
        share = second.not_modified / max(second.fetched, 1)
        print(
            f"pass 2    with validators: {second.not_modified}/{second.fetched} answered 304 "
            f"({100 * share:.0f}%), {feeds.parses - parsed_before} parses, "
            f"{second.fetched / elapsed:.0f} feeds/s"
        )
    await database.close()

    spent = await floor(docs, urls, concurrency)
    cores = os.cpu_count() or 1
    budget = cores * baseline_seconds / 10
    required = spent["fetch"] + spent["fastfeedparser"] + spent["one nh3 pass"]
    print("floor     CPU seconds of the steps no ingest can skip, each alone (storing, filters "
          "and dedupe not counted):")  # fmt: skip
    print("          " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in spent.items()))
    print(f"          10x feedparser leaves {baseline_seconds / 10:.2f} s on {cores} cores = "
          f"{budget:.2f} CPU-s; fetch + parse + one nh3 pass alone take {required:.2f}, with "
          f"language detection {required + spent['language detection']:.2f}")  # fmt: skip
    print(
        f"          best ratio possible with every core busy all along: "
        f"{cores * baseline_seconds / required:.1f}x without language detection, "
        f"{cores * baseline_seconds / (required + spent['language detection']):.1f}x with it"
    )
    return [
        Figure(NAME, "ingest feeds/s (whole path)", ours, "feeds/s",
               f"feedparser.parse {baseline:.1f} feeds/s; goal 10x", ours / baseline,
               ours >= 10 * baseline),
        Figure(NAME, "second pass 304 share", share, "", "goal 100%, zero parses", None,
               share == 1 and feeds.parses == parsed_before),
    ]  # fmt: skip


def run(argv: list[str]) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--followers", type=int, default=1)
    args = parser.parse_args(argv)
    docs = documents(max(args.feeds, 1))
    with (
        embedded_database(NAME) as owner_url,
        tempfile.TemporaryDirectory() as outbox,
        feed_server(len(docs)) as port,
    ):
        return asyncio.run(
            measure(owner_url, docs, port, args.concurrency, max(args.followers, 1), Path(outbox))
        )


def main() -> None:
    for figure in run(sys.argv[1:]):
        print(f"{figure.name}: {figure.value:.3f} {figure.unit} -> {verdict(bool(figure.passed))}")


if __name__ == "__main__":
    main()
