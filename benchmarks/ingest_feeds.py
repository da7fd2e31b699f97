"""Feed ingestion: our fetch + parse + sanitise path against plain feedparser, then a 304 pass.

Serves the shared real-feeds corpus (200 feeds as sites publish them, plus synthetic ones up
to --feeds) from a loopback HTTP server with ETags, fetches them all through HttpFeedFetcher
(SafeFetcher with the operator flag for loopback), and compares with the baseline: plain
`feedparser.parse(bytes)` on the same bytes, with no network and no sanitising. A second pass
sends the validators from the first; every feed should come back 304 with nothing parsed.

    .venv/bin/python -m benchmarks.ingest_feeds [--feeds 200 --concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser

from creatorpulse.adapters.feeds.fetcher import FeedOutcome, HttpFeedFetcher
from creatorpulse.adapters.http import SafeFetcher, Validators
from creatorpulse.ports.feeds import FetchedFeed

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


async def store(url: str, feed: FetchedFeed) -> None:
    """HOOK for the lead: quality-filter, dedupe and bulk COPY the items here, then time it."""


async def ingest(
    feeds: HttpFeedFetcher, urls: list[str], validators: dict[str, Validators], concurrency: int
) -> dict[str, FeedOutcome]:
    gate = asyncio.Semaphore(concurrency)

    async def one(url: str) -> tuple[str, FeedOutcome]:
        async with gate:
            outcome = await feeds.fetch_if_changed(url, validators.get(url))
            if outcome.feed is not None:
                await store(url, outcome.feed)
            return url, outcome

    return dict(await asyncio.gather(*(one(u) for u in urls)))


async def run(count: int, concurrency: int) -> None:
    docs = documents(count)
    server = serve(docs)
    urls = [f"http://127.0.0.1:{server.server_address[1]}{path}" for path in docs]
    total_mb = sum(map(len, docs.values())) / 1e6
    print(f"feeds: {len(docs)} ({total_mb:.1f} MB), concurrency {concurrency}")

    started = time.perf_counter()
    for body in docs.values():
        feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    baseline = len(docs) / (time.perf_counter() - started)
    print(f"baseline  feedparser.parse(bytes), in memory, no sanitising: {baseline:8.1f} feeds/s")

    async with SafeFetcher(allow_private_networks=True, total_timeout=60) as http:
        feeds = HttpFeedFetcher(http)
        started = time.perf_counter()
        first = await ingest(feeds, urls, {}, concurrency)
        ours = len(docs) / (time.perf_counter() - started)
        items = sum(len(o.feed.items) for o in first.values() if o.feed)
        print(
            f"ours      fetch + parse + sanitise over loopback HTTP:     {ours:8.1f} feeds/s "
            f"({items} items)"
        )
        print(f"ratio     ours / baseline: {ours / baseline:.1f}x")

        validators = {url: o.validators for url, o in first.items()}
        started = time.perf_counter()
        second = await ingest(feeds, urls, validators, concurrency)
        elapsed = time.perf_counter() - started
        unchanged = sum(1 for o in second.values() if o.not_modified)
        print(
            f"pass 2    with validators: {unchanged}/{len(urls)} answered 304 "
            f"({100 * unchanged / len(urls):.0f}%, zero parses), {len(urls) / elapsed:.0f} feeds/s"
        )
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(run(max(args.feeds, 1), args.concurrency))


if __name__ == "__main__":
    main()
