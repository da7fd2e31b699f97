"""CreatorPulse as a library: the whole daily loop in one process, one import away.

app = CreatorPulse.in_memory()
reg = app.register("maya@example.com", "correct horse battery")
app.verify_email(reg.verification_token)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Mapping
from pathlib import Path
from typing import Any, Self, TypeVar
from uuid import UUID

import msgspec

from creatorpulse.adapters.feeds.static import StaticFeedFetcher
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.local_embedder import LocalEmbedder
from creatorpulse.adapters.local_generator import LocalDraftGenerator
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.passwords import PwdlibHasher
from creatorpulse.adapters.system import RandomIds, SecretTokens, SystemClock
from creatorpulse.domain.model.drafts import Draft, DraftSummary, FeedbackSource
from creatorpulse.domain.model.emails import EmailDelivery
from creatorpulse.domain.model.errors import InvalidInput, NotFound
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.domain.model.sources import Source
from creatorpulse.domain.model.users import User
from creatorpulse.domain.use_cases.cleanup import CleanupReport
from creatorpulse.domain.use_cases.generate_drafts import GenerationOutcome
from creatorpulse.domain.use_cases.ingest import IngestReport, store_items
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.domain.use_cases.process_style import StyleProgress
from creatorpulse.domain.use_cases.refresh_source import RefreshOutcome
from creatorpulse.domain.use_cases.register import Registration
from creatorpulse.domain.use_cases.style_posts import StyleUploadReport
from creatorpulse.entrypoints.database import DatabaseChoice
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import Ports, UseCases
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.feeds import FeedFetcher, TweetFetcher
from creatorpulse.ports.storage import UnitOfWorkFactory

T = TypeVar("T")
UserRef = User | UUID | str


def _user_id(user: object, field: str = "user") -> UUID:
    if isinstance(user, User):
        return user.id
    if isinstance(user, UUID):
        return user
    if isinstance(user, str):
        try:
            return UUID(user)
        except ValueError:
            pass
    raise InvalidInput.of(field, "invalid_id", "must be a User or a user id (UUID)")


def _ports(
    settings: Settings,
    uow: UnitOfWorkFactory,
    outbox_dir: str | Path | None,
    feeds: FeedFetcher | Mapping[str, bytes] | None,
    tweets: TweetFetcher | None,
    clock: Clock | None,
) -> Ports:
    """The embedded defaults: local embedder and generator, outbox mail."""
    fetcher = (
        StaticFeedFetcher(feeds or {}) if feeds is None or isinstance(feeds, Mapping) else feeds
    )
    return Ports(
        uow=uow,
        clock=clock or SystemClock(),
        ids=RandomIds(),
        tokens=SecretTokens(),
        hasher=PwdlibHasher(),
        language=FastTextLanguage(),
        embedder=LocalEmbedder(),
        generator=LocalDraftGenerator(),
        mailer=OutboxMailer(Path(outbox_dir or settings.outbox_dir), settings.mail_from),
        fetchers=SourceFetchers(fetcher, tweets),
    )


class DailyRun(msgspec.Struct, kw_only=True):
    user_id: UUID
    refreshed: list[RefreshOutcome]
    style: StyleProgress
    generation: GenerationOutcome | None
    generation_error: str | None
    email: EmailDelivery | None


class CreatorPulse:
    """Synchronous façade over the use cases; each call is one or more transactions."""

    def __init__(
        self, use_cases: UseCases, *, runner: asyncio.Runner | None = None,
        on_close: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:  # fmt: skip
        self.use_cases = use_cases
        self._runner = runner or asyncio.Runner()
        self._on_close = on_close

    @classmethod
    def in_memory(
        cls,
        *,
        outbox_dir: str | Path | None = None,
        feeds: FeedFetcher | Mapping[str, bytes] | None = None,
        tweets: TweetFetcher | None = None,
        clock: Clock | None = None,
        base_url: str | None = None,
    ) -> CreatorPulse:
        """In-memory storage, local embedder and generator, `.eml` files in `outbox_dir`."""
        settings = Settings.from_env()
        ports = _ports(settings, MemoryUnitOfWorkFactory(), outbox_dir, feeds, tweets, clock)
        return cls(UseCases(ports, base_url=base_url or settings.base_url))

    @classmethod
    def embedded(
        cls,
        *,
        data_dir: str | Path | None = None,
        outbox_dir: str | Path | None = None,
        feeds: FeedFetcher | Mapping[str, bytes] | None = None,
        tweets: TweetFetcher | None = None,
        clock: Clock | None = None,
        base_url: str | None = None,
    ) -> CreatorPulse:
        """Like in_memory, but kept in PostgreSQL: DATABASE_URL, or the embedded server in
        `data_dir` (default CREATORPULSE_DATA_DIR), which stops when its last user closes."""
        settings = Settings.from_env()
        if data_dir is not None:
            folder = Path(data_dir)
            settings = msgspec.structs.replace(
                settings, data_dir=folder, outbox_dir=folder / "outbox"
            )
        choice = DatabaseChoice(settings)
        runner = asyncio.Runner()
        try:
            database = choice.database()
            uow = runner.run(database.open())
        except BaseException:
            runner.close()
            choice.release()
            raise

        async def close() -> None:
            await database.close()
            choice.release()

        ports = _ports(settings, uow, outbox_dir, feeds, tweets, clock)
        use_cases = UseCases(ports, base_url=base_url or settings.base_url)
        return cls(use_cases, runner=runner, on_close=close)

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(work)

    def close(self) -> None:
        try:
            if self._on_close is not None:
                self._runner.run(self._on_close())
                self._on_close = None
        finally:
            self._runner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- accounts ---------------------------------------------------------------------------
    def register(
        self,
        email: str,
        password: str,
        timezone: str | None = None,
        delivery_time: str | None = None,
    ) -> Registration:
        return self._run(self.use_cases.register(email, password, timezone, delivery_time))

    def verify_email(self, token: str) -> User:
        return self._run(self.use_cases.verify_email(token))

    def sign_in(self, email: str, password: str) -> User:
        return self._run(self.use_cases.authenticate(email, password))

    def change_settings(self, user: UserRef, **settings: object) -> User:
        allowed = {"timezone", "delivery_time", "email_notifications"}
        if unknown := set(settings) - allowed:
            raise InvalidInput.of(sorted(unknown)[0], "unknown_setting", f"not one of {allowed}")
        return self._run(self.use_cases.account.change_settings(_user_id(user), **settings))

    def delete_account(self, user: UserRef) -> None:
        self._run(self.use_cases.account.delete(_user_id(user)))

    # --- sources and items ------------------------------------------------------------------
    def add_source(self, user: UserRef, type: str, url: str, name: str) -> Source:
        source, _ = self._run(self.use_cases.add_source(_user_id(user), type, url, name))
        return source

    def sources(self, user: UserRef) -> list[Source]:
        return self._run(self.use_cases.list_sources(_user_id(user)))

    def refresh_sources(self, user: UserRef) -> list[RefreshOutcome]:
        uid = _user_id(user)
        return [self._run(self.use_cases.refresh_source(uid, s.id)) for s in self.sources(uid)]

    def ingest(self, source: Source | UUID | str, entries: Iterable[object]) -> IngestReport:
        """Store entries you fetched yourself (FetchedItem or dicts with the same fields)."""
        try:
            items = [
                e if isinstance(e, FetchedItem) else msgspec.convert(e, FetchedItem)
                for e in entries
            ]
        except (msgspec.ValidationError, TypeError) as error:
            raise InvalidInput.of("entries", "invalid_entry", str(error)) from None
        return self._run(self._ingest(source, items))

    async def _ingest(self, source: Source | UUID | str, items: list[FetchedItem]) -> IngestReport:
        source_id = source.id if isinstance(source, Source) else _user_id(source, "source")
        p = self.use_cases.ports
        async with p.uow.system() as tx:
            found = await tx.sources.get(source_id)
            if found is None:
                raise NotFound("source not found")
            report = await store_items(
                tx, found, items, now=p.clock.now(), ids=p.ids, language=p.language
            )
            await tx.commit()
        return report

    # --- style ------------------------------------------------------------------------------
    def add_style_posts(self, user: UserRef, posts: Iterable[str]) -> StyleUploadReport:
        if isinstance(posts, str):
            raise InvalidInput.of(
                "posts", "invalid_type", "must be a list of posts, not one string"
            )
        return self._run(self.use_cases.add_style_posts(_user_id(user), list(posts)))

    def process_style(self, user: UserRef, *, retrain: bool = False) -> StyleProgress:
        return self._run(self.use_cases.process_style(_user_id(user), retrain=retrain))

    # --- drafts, email, feedback ------------------------------------------------------------
    def generate_drafts(self, user: UserRef, *, force: bool = False) -> GenerationOutcome:
        return self._run(self.use_cases.generate_drafts(_user_id(user), force=force))

    def drafts(self, user: UserRef, page: int = 1, per_page: int = 10) -> list[DraftSummary]:
        """The creator's drafts, newest first (`per_page` from 1 to 50), without their
        generation records (`GET /v1/drafts/{id}/explanation` reads one)."""
        return self._run(self.use_cases.read_drafts.page(_user_id(user), page, per_page)).drafts

    def send_daily_email(self, user: UserRef, *, force: bool = False) -> EmailDelivery | None:
        return self._run(self.use_cases.send_daily_email(_user_id(user), force=force))

    def record_feedback(
        self, token_or_draft: str | Draft | DraftSummary, feedback_type: str
    ) -> Draft:
        """A vote by email token, or by draft (dashboard) when a draft is given."""
        record = self.use_cases.record_feedback
        if isinstance(token_or_draft, Draft | DraftSummary):
            draft = token_or_draft
            return self._run(
                record.by_draft(draft.user_id, draft.id, feedback_type, FeedbackSource.DASHBOARD)
            )
        return self._run(record.by_token(token_or_draft, feedback_type))

    def unsubscribe(self, token: str) -> User:
        return self._run(self.use_cases.unsubscribe(token))

    def cleanup(self) -> CleanupReport:
        return self._run(self.use_cases.cleanup())

    def run_daily(self, user: UserRef, *, force: bool = False) -> DailyRun:
        """One creator's whole day: refresh sources, embed style, write drafts, send the email."""
        uid = _user_id(user)
        refreshed = self.refresh_sources(uid)
        style = self.process_style(uid)
        generation, error = None, None
        try:
            generation = self.generate_drafts(uid, force=force)
        except InvalidInput as problem:
            error = problem.message
        email = self.send_daily_email(uid, force=force)
        return DailyRun(
            user_id=uid, refreshed=refreshed, style=style, generation=generation,
            generation_error=error, email=email,
        )  # fmt: skip
