"""The composition root: which adapter serves each port, chosen once from the settings.
The HTTP app and the worker build their containers here; tests override single providers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide

from creatorpulse.adapters.embedding_cache import RememberedQueries
from creatorpulse.adapters.feeds.fetcher import HttpFeedFetcher
from creatorpulse.adapters.gemini.client import make_client
from creatorpulse.adapters.gemini.embedder import GeminiEmbedder
from creatorpulse.adapters.gemini.generator import GeminiDraftGenerator
from creatorpulse.adapters.gemini.rate_limit import RateLimiter as GeminiBudget
from creatorpulse.adapters.http.fetcher import SafeFetcher
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.local_embedder import LocalEmbedder
from creatorpulse.adapters.local_generator import LocalDraftGenerator
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.mail.sendgrid import SendGridMailer
from creatorpulse.adapters.mail.smtp import SmtpMailer, SmtpUrlError, parse_smtp_url
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.passwords import PwdlibHasher
from creatorpulse.adapters.postgres.limits import PgFailures, PgWindows
from creatorpulse.adapters.system import RandomIds, SecretTokens, SystemClock
from creatorpulse.adapters.twitter.fetcher import TwitterFetcher
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.entrypoints.database import DatabaseChoice, read_or_create_secret
from creatorpulse.entrypoints.http.auth import (
    FailureStore,
    LoginThrottle,
    MemoryFailures,
    TokenService,
)
from creatorpulse.entrypoints.http.rate_limit import MemoryWindows, WindowCounter, WindowStore
from creatorpulse.entrypoints.http.shared_limits import SharedFailures, SharedWindows
from creatorpulse.entrypoints.settings import Settings, SettingsError
from creatorpulse.entrypoints.use_cases import Ports, UseCases
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.embedder import Embedder
from creatorpulse.ports.generator import DraftGenerator
from creatorpulse.ports.mailer import Mailer
from creatorpulse.ports.storage import UnitOfWorkFactory


class Storage:
    """The open store of this process, plus what the health check and the limits need of it."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ping: Callable[[], Awaitable[bool]] | None = None,
        *,
        windows: WindowStore | None = None,
        failures: FailureStore | None = None,
    ) -> None:
        self.uow, self._ping = uow, ping
        # Rate-limit windows and failed sign-ins: this process's own unless shared.
        self.windows = windows or MemoryWindows()
        self.failures = failures or MemoryFailures()

    async def ready(self) -> bool:
        return True if self._ping is None else await self._ping()


class QueueHealth:
    """Whether the task queue this process hands work to is connected (for /health/ready)."""

    def __init__(self, connected: Callable[[], bool] = lambda: True) -> None:
        self.connected = connected


class ServiceProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=Settings, scope=Scope.APP)

    @provide
    def clock(self) -> Clock:
        return SystemClock()

    @provide
    async def storage(self, settings: Settings) -> AsyncIterator[Storage]:
        if settings.storage == "memory":
            yield Storage(MemoryUnitOfWorkFactory())
            return
        choice = DatabaseChoice(settings)
        database = choice.database()
        try:
            uow = await database.open()
            shared = settings.shared_limits
            yield Storage(
                uow, database.ping,
                windows=SharedWindows(PgWindows(database.pool)) if shared else None,
                failures=SharedFailures(PgFailures(database.pool)) if shared else None,
            )  # fmt: skip
        finally:
            await database.close()
            choice.release()

    @provide
    def queue_health(self) -> QueueHealth:
        return QueueHealth()  # no queue of its own; `api`/`serve` provide theirs

    @provide
    def uow(self, storage: Storage) -> UnitOfWorkFactory:
        return storage.uow

    @provide
    async def safe_fetcher(self, settings: Settings) -> AsyncIterator[SafeFetcher]:
        fetcher = SafeFetcher(
            base_url=settings.base_url, allow_private_networks=settings.allow_private_networks
        )
        yield fetcher
        await fetcher.aclose()

    @provide
    async def fetchers(
        self, settings: Settings, safe: SafeFetcher
    ) -> AsyncIterator[SourceFetchers]:
        if not settings.twitter_bearer_token:
            yield SourceFetchers(HttpFeedFetcher(safe))
            return
        async with httpx.AsyncClient(timeout=30.0) as client:
            tweets = TwitterFetcher(
                client, settings.twitter_bearer_token, settings.twitter_base_url
            )
            yield SourceFetchers(HttpFeedFetcher(safe), tweets)

    @provide
    def gemini_budget(self) -> GeminiBudget:
        return GeminiBudget(max_concurrent=4, requests_per_minute=60)

    @provide
    def embedder(self, settings: Settings, budget: GeminiBudget) -> Embedder:
        if not settings.gemini_api_key:
            return RememberedQueries(LocalEmbedder())
        client = make_client(settings.gemini_api_key, base_url=settings.gemini_base_url)
        return RememberedQueries(
            GeminiEmbedder(client, settings.gemini_embedding_model, limiter=budget)
        )

    @provide
    def generator(self, settings: Settings, budget: GeminiBudget) -> DraftGenerator:
        if not settings.gemini_api_key:
            return LocalDraftGenerator()
        client = make_client(settings.gemini_api_key, base_url=settings.gemini_base_url)
        return GeminiDraftGenerator(client, settings.gemini_model, limiter=budget)

    @provide
    def mailer(self, settings: Settings, clock: Clock) -> Mailer:
        if settings.sendgrid_api_key:
            return SendGridMailer(
                settings.sendgrid_api_key, settings.mail_from, base_url=settings.sendgrid_base_url
            )
        if settings.smtp_url:
            try:
                return SmtpMailer(parse_smtp_url(settings.smtp_url), settings.mail_from)
            except SmtpUrlError as error:
                raise SettingsError(f"SMTP_URL: {error}") from None
        return OutboxMailer(Path(settings.outbox_dir), settings.mail_from, clock)

    @provide
    def ports(
        self, uow: UnitOfWorkFactory, clock: Clock, embedder: Embedder,
        generator: DraftGenerator, mailer: Mailer, fetchers: SourceFetchers,
    ) -> Ports:  # fmt: skip
        return Ports(
            uow=uow, clock=clock, ids=RandomIds(), tokens=SecretTokens(), hasher=PwdlibHasher(),
            language=FastTextLanguage(), embedder=embedder, generator=generator, mailer=mailer,
            fetchers=fetchers,
        )  # fmt: skip

    @provide
    def use_cases(self, ports: Ports, settings: Settings) -> UseCases:
        return UseCases(
            ports, base_url=settings.base_url, similarity_floor=settings.similarity_floor
        )

    @provide
    def token_service(self, settings: Settings, clock: Clock) -> TokenService:
        secret = settings.jwt_secret or read_or_create_secret(
            settings.data_dir / "secrets" / "jwt-secret", 48
        )
        return TokenService(secret, issuer=settings.base_url, clock=clock)

    @provide
    def login_throttle(self, storage: Storage) -> LoginThrottle:
        return LoginThrottle(storage.failures)

    @provide
    def rate_counter(self, storage: Storage, settings: Settings) -> WindowCounter:
        return WindowCounter(settings.rate_limit_factor, storage.windows)


def make_container(settings: Settings, *overrides: Provider) -> AsyncContainer:
    return make_async_container(ServiceProvider(), *overrides, context={Settings: settings})
