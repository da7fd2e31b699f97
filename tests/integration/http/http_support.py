"""The real HTTP app (create_app) in-process, with a settable clock and the sample feeds.

`api` is a signed-out client on in-memory storage with rate limits off; `make_api(...)` builds
one with other settings (rate limits on, CORS origins, PostgreSQL). `Api` reads the outbox
like a person would: the links in the emails are how tokens reach a test."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec
from dishka import Provider, Scope, provide
from litestar import Litestar
from litestar.testing import AsyncTestClient

from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.entrypoints.demo import RecentFeeds, SampleFeed, sample_feeds, sample_voices
from creatorpulse.entrypoints.http.app import create_app
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases
from creatorpulse.ports.clock import Clock
from pg import pg_clean, pg_owner_url  # noqa: F401 - fixtures

PASSWORD = "a-long-enough-password"
JWT_SECRET = "test-secret-" + "k" * 40
BASE_URL = "http://127.0.0.1:8000"
START = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 09:30 UTC: after an 08:00 delivery time

Headers = dict[str, str]


class Overrides(Provider):
    """The app's clock and feed fetchers, replaced (every other provider is the real one)."""

    scope = Scope.APP

    def __init__(self, clock: FixedClock, fetchers: SourceFetchers) -> None:
        super().__init__()
        self._clock, self._fetchers = clock, fetchers

    @provide(override=True)
    def clock(self) -> Clock:
        return self._clock

    @provide(override=True)
    def fetchers(self) -> SourceFetchers:
        return self._fetchers


@dataclass
class Creator:
    email: str
    id: str
    token: str

    @property
    def headers(self) -> Headers:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Api:
    client: AsyncTestClient[Litestar]
    app: Litestar
    clock: FixedClock
    outbox: Path
    feeds: list[SampleFeed]
    fetcher: RecentFeeds
    settings: Settings
    _read: set[Path] = field(default_factory=set)

    # --- plumbing -----------------------------------------------------------------------------
    async def cases(self) -> UseCases:
        uc: UseCases = await self.app.state.dishka_container.get(UseCases)
        return uc

    def emails(self, kind: str | None = None, to: str | None = None) -> list[email.message.Message]:
        found = []
        written = sorted(self.outbox.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        for path in written:  # oldest first (names share the clock's instant)
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if kind and message["X-CreatorPulse-Kind"] != kind:
                continue
            if to and message["To"] != to:
                continue
            found.append(message)
        return found

    def links(self, kind: str, to: str) -> list[str]:
        """Every URL in the plain-text part of the newest email of this kind to this address."""
        messages = self.emails(kind, to)
        assert messages, f"no {kind} email to {to} in {self.outbox}"
        body = messages[-1].get_body(preferencelist=("plain",))
        assert body is not None
        return re.findall(r"https?://\S+", body.get_content())

    def token_of(self, kind: str, to: str, path: str) -> str:
        for link in self.links(kind, to):
            parts = urlsplit(link)
            if parts.path == path:
                return parse_qs(parts.query)["token"][0]
        raise AssertionError(f"no {path} link in the {kind} email to {to}")

    # --- a creator's steps, through the HTTP API ------------------------------------------------
    async def register(self, address: str, password: str = PASSWORD) -> Creator:
        answer = await self.client.post(
            "/v1/auth/register", json={"email": address, "password": password}
        )
        assert answer.status_code == 201, answer.text
        data = answer.json()["data"]
        return Creator(data["user"]["email"], data["user"]["id"], data["token"])

    async def verify(self, address: str) -> None:
        token = self.token_of("verification", address.lower(), "/verify-email")
        answer = await self.client.post("/verify-email", data={"token": token})
        assert answer.status_code == 200, answer.text

    async def login(self, address: str, password: str = PASSWORD) -> httpx.Response:
        return await self.client.post(
            "/v1/auth/login", json={"email": address, "password": password}
        )

    async def creator(self, address: str) -> Creator:
        """Registered, verified and signed in again (a verified session)."""
        registered = await self.register(address)
        await self.verify(address)
        answer = await self.login(address)
        assert answer.status_code == 200, answer.text
        return Creator(registered.email, registered.id, answer.json()["data"]["token"])

    async def add_sample_sources(self, who: Creator) -> list[dict[str, Any]]:
        added = []
        for feed in self.feeds:
            answer = await self.client.post(
                "/v1/sources", json={"type": "rss", "url": feed.url, "name": feed.name},
                headers=who.headers,
            )  # fmt: skip
            assert answer.status_code == 201, answer.text
            added.append(answer.json()["data"])
        return added

    async def train(self, who: Creator, voice: str = "maya") -> str:
        posts = sample_voices()[voice].posts
        answer = await self.client.post(
            "/v1/style/upload", json={"posts": posts}, headers=who.headers
        )
        assert answer.status_code == 202, answer.text
        job_id: str = answer.json()["data"]["job_id"]
        await self.wait_for_job(who, job_id)
        return job_id

    async def wait_for_job(self, who: Creator, job_id: str) -> dict[str, Any]:
        for _ in range(500):
            answer = await self.client.get(
                "/v1/style/status", params={"job_id": job_id}, headers=who.headers
            )
            assert answer.status_code == 200, answer.text
            status: dict[str, Any] = answer.json()["data"]
            if status["status"] in ("completed", "failed"):
                assert status["status"] == "completed", status
                return status
            await asyncio.sleep(0.01)
        raise AssertionError(f"style job {job_id} never finished")

    async def generate(self, who: Creator) -> int:
        answer = await self.client.post(
            "/v1/drafts/generate", json={"force": True}, headers=who.headers
        )
        assert answer.status_code == 201, answer.text
        count: int = answer.json()["drafts_generated"]
        return count

    async def creator_with_drafts(self, address: str, voice: str = "maya") -> Creator:
        who = await self.creator(address)
        await self.add_sample_sources(who)
        await self.train(who, voice)
        assert await self.generate(who) >= 3
        return who

    async def send_daily_email(self, who: Creator) -> None:
        from uuid import UUID  # noqa: PLC0415

        delivery = await (await self.cases()).send_daily_email(UUID(who.id), force=True)
        assert delivery is not None


MakeApi = Callable[..., Awaitable[Api]]


async def open_api(
    root: Path, clock: FixedClock, *, shared_limits: bool = False, **env: str
) -> Api:
    """An app on `root`, its lifespan started; close it with `await api.client.__aexit__(...)`.
    `shared_limits`: count rate limits in the database, as `creatorpulse api` beside NATS does."""
    index, feeds = sample_feeds(clock)
    settings = Settings.from_env(
        {
            "CREATORPULSE_STORAGE": "memory",
            "CREATORPULSE_DATA_DIR": str(root / "data"),
            "CREATORPULSE_OUTBOX_DIR": str(root / "outbox"),
            "CREATORPULSE_BASE_URL": BASE_URL,
            "CREATORPULSE_RATE_LIMIT_FACTOR": "0",
            "JWT_SECRET": JWT_SECRET,
            **env,
        }
    )
    settings = msgspec.structs.replace(settings, shared_limits=shared_limits)
    app = create_app(settings, Overrides(clock, SourceFetchers(feeds)))
    client = AsyncTestClient(app, base_url="http://testserver.local")
    await client.__aenter__()
    return Api(client, app, clock, settings.outbox_dir, index, feeds, settings)
