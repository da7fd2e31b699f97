"""`creatorpulse demo`: two creators, three sample feeds, one full day, all offline."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO

import msgspec

from creatorpulse.adapters.feeds.static import StaticFeedFetcher
from creatorpulse.adapters.system import SystemClock
from creatorpulse.entrypoints.facade import CreatorPulse
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.feeds import FeedFetcher, FetchedFeed

DEMO_PASSWORD = "demo-password-1234"
SAMPLES = "creatorpulse.entrypoints.sample_data"


class SampleFeed(msgspec.Struct):
    url: str
    file: str
    name: str


class Voice(msgspec.Struct):
    name: str
    email: str
    posts: list[str]


class RecentFeeds(FeedFetcher):
    """Sample feeds are static files; their entries are re-dated to the last few hours."""

    def __init__(self, inner: StaticFeedFetcher, clock: Clock) -> None:
        self._inner, self._clock = inner, clock

    def publish(self, url: str, document: bytes) -> None:
        self._inner.publish(url, document)

    async def fetch(self, url: str) -> FetchedFeed:
        feed = await self._inner.fetch(url)
        now = self._clock.now()
        items = [
            msgspec.structs.replace(item, published_at=now - timedelta(hours=1 + i))
            for i, item in enumerate(feed.items)
        ]
        return msgspec.structs.replace(feed, items=items)


def sample_documents() -> tuple[list[SampleFeed], dict[str, bytes]]:
    """The sample feeds as shipped: {feed URL: RSS/Atom bytes}."""
    folder = resources.files(SAMPLES) / "feeds"
    index = msgspec.json.decode((folder / "index.json").read_bytes(), type=list[SampleFeed])
    return index, {f.url: (folder / f.file).read_bytes() for f in index}


def sample_feeds(clock: Clock | None = None) -> tuple[list[SampleFeed], RecentFeeds]:
    """The sample feeds behind a fetcher that dates their entries to the last few hours."""
    index, documents = sample_documents()
    return index, RecentFeeds(StaticFeedFetcher(documents), clock or SystemClock())


def sample_voices() -> dict[str, Voice]:
    raw = json.loads((resources.files(SAMPLES) / "voices.json").read_text("utf-8"))
    return {key: msgspec.convert(value, Voice) for key, value in raw.items()}


def run_demo(outbox_dir: Path, out: TextIO = sys.stdout) -> int:
    clock = SystemClock()
    index, feeds = sample_feeds(clock)
    with CreatorPulse.in_memory(outbox_dir=outbox_dir, feeds=feeds, clock=clock) as app:
        for voice in sample_voices().values():
            registration = app.register(voice.email, DEMO_PASSWORD)
            user = app.verify_email(registration.verification_token)
            for feed in index:
                app.add_source(user, "rss", feed.url, feed.name)
            app.add_style_posts(user, voice.posts)
            day = app.run_daily(user, force=True)
            print(f"\n=== {voice.name} <{user.email}> ===", file=out)
            if day.generation_error:
                print(f"no drafts: {day.generation_error}", file=out)
            for number, draft in enumerate(day.generation.drafts if day.generation else [], 1):
                print(f"\n--- draft {number} · {draft.source_name} · score {draft.engagement_score}"
                      f"/10 ---\n{draft.content}", file=out)  # fmt: skip
            if day.email is not None:
                written = sorted(outbox_dir.glob(f"*{day.email.id}.eml"))
                where = written[0] if written else outbox_dir
                print(f"\nemail ({day.email.status}): {where}", file=out)
    return 0
