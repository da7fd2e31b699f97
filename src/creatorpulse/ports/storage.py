"""Repositories and the unit of work. Every repository is scoped: a user's unit of work sees
and changes only that user's rows; only the explicit system scope sees everyone."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from creatorpulse.domain.model.drafts import Draft, DraftStamp, DraftSummary, Feedback
from creatorpulse.domain.model.emails import EmailDelivery
from creatorpulse.domain.model.feed_state import FeedFetchState
from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.jobs import DeadLetter
from creatorpulse.domain.model.sessions import SessionMemo
from creatorpulse.domain.model.sources import Source, SourceType
from creatorpulse.domain.model.style import StyleChunk, StylePost
from creatorpulse.domain.model.style_jobs import StyleJob
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.model.users import User


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Raises Conflict when the (normalised) email is taken."""

    async def get(self, user_id: UUID) -> User | None: ...
    async def get_session(
        self, user_id: UUID, token_id: str, now: datetime
    ) -> tuple[User | None, bool]:
        """The account a token names and whether that token is signed out, in one read (every
        signed-in request asks both)."""

    async def get_by_email(self, email: str) -> User | None: ...
    async def update(self, user: User) -> None: ...
    async def delete(self, user_id: UUID) -> None:
        """Removes the user and every row that belongs to them."""

    async def list_active(self) -> list[User]:
        """Active, verified users (the daily sweeps' population)."""

    async def count_active(self) -> int:
        """How many `list_active` would return, without loading them."""


class RevocationRepository(Protocol):
    """Signed-out session tokens, by token id: kept until the token would have expired anyway.
    Not user data (a token id names nobody), so any scope may sign a token out."""

    async def add(self, token_id: str, until: datetime, now: datetime) -> None:
        """Signs `token_id` out until `until`, and forgets revocations that ran out by `now`."""


class TokenRepository(Protocol):
    async def add(self, token: ActionToken) -> None: ...
    async def consume(
        self, token_hash: str, purpose: TokenPurpose, now: datetime
    ) -> ActionToken | None:
        """The usable token, marked used if single-use, atomically; None if not usable."""

    async def delete_expired(self, now: datetime) -> int: ...


class SourceRepository(Protocol):
    async def add(self, source: Source) -> None: ...
    async def get(self, source_id: UUID) -> Source | None: ...
    async def update(self, source: Source) -> None: ...
    async def delete(self, source_id: UUID) -> bool: ...
    async def list_for_user(self, user_id: UUID) -> list[Source]: ...
    async def count_for_user(self, user_id: UUID) -> int: ...
    async def list_active(self, kind: SourceType | None = None) -> list[Source]: ...
    async def count_failing(self) -> int:
        """Active sources whose last check failed (error_count above 0)."""

    async def get_many(self, source_ids: Sequence[UUID]) -> list[Source]:
        """The visible sources among `source_ids` (missing ones are left out), one query."""


class StylePostRepository(Protocol):
    async def add(self, post: StylePost) -> None:
        """Raises Conflict when the user already has a post with the same content hash."""

    async def get(self, post_id: UUID) -> StylePost | None: ...
    async def update(self, post: StylePost) -> None: ...
    async def delete(self, post_id: UUID) -> bool:
        """Removes the post and its chunks."""

    async def list_for_user(self, user_id: UUID) -> list[StylePost]: ...
    async def count_for_user(self, user_id: UUID) -> int: ...
    async def count_processed(self, user_id: UUID) -> int: ...
    async def count_processed_each(self, user_ids: Sequence[UUID]) -> dict[UUID, int]:
        """Processed posts per user, for many users in one go (a user with none is absent)."""

    async def hashes_for_user(self, user_id: UUID) -> set[str]: ...


class StyleChunkRepository(Protocol):
    async def replace_for_post(self, post_id: UUID, chunks: Sequence[StyleChunk]) -> None: ...
    async def nearest(
        self, user_id: UUID, vector: Sequence[float], limit: int
    ) -> list[tuple[StyleChunk, float]]:
        """The user's `limit` chunks with the highest cosine similarity, best first.

        The chunks come without their vectors (`embedding` is empty): callers need the text.
        """

    async def nearest_each(
        self, user_id: UUID, vectors: Sequence[Sequence[float]], limit: int
    ) -> list[list[tuple[StyleChunk, float]]]:
        """`nearest` for every vector, in their order, in one request."""

    async def count_for_user(self, user_id: UUID) -> int: ...


class SourceItemRepository(Protocol):
    async def add_new(self, items: Sequence[SourceItem]) -> list[SourceItem]:
        """Stores items whose (source_id, content_hash) is new; returns those stored."""

    async def get(self, item_id: UUID) -> SourceItem | None: ...
    async def list_recent(self, user_id: UUID, since: datetime) -> list[SourceItem]:
        """Unprocessed items of the user's active sources published since `since`."""

    async def recent_for_feed(
        self, kind: SourceType, url: str, since: datetime, limit: int = 200
    ) -> list[SourceItem]:
        """Visible items of every source following (kind, url) published since `since`,
        one per content hash, newest first."""

    async def mark_processed(self, item_ids: Sequence[UUID]) -> None: ...
    async def delete_expired(self, now: datetime) -> int: ...


class DraftRepository(Protocol):
    async def add(self, *drafts: Draft) -> None:
        """Store the drafts (a day's few go together: one round trip)."""

    async def get(self, draft_id: UUID) -> Draft | None: ...
    async def get_many(self, draft_ids: Sequence[UUID]) -> list[Draft]:
        """The drafts of these ids that exist, in no particular order."""

    async def get_by_token_hash(self, token_hash: str) -> Draft | None: ...
    async def update(self, *drafts: Draft) -> None:
        """Store the drafts' changes (an email's few go together: one round trip)."""

    async def list_page(
        self, user_id: UUID, page: int, per_page: int
    ) -> tuple[list[DraftSummary], int]:
        """Newest first, without their generation records; returns the page and the total."""

    async def list_since(
        self, user_id: UUID, since: datetime, *, pending_since: datetime | None = None
    ) -> list[Draft]:
        """Newest first, created at or after `since`; drafts nobody voted on only from
        `pending_since` when given (learning needs every vote but only the recent rest)."""

    async def delete_expired(self, now: datetime) -> int: ...
    async def stamps_since(self, user_ids: Sequence[UUID], since: datetime) -> list[DraftStamp]:
        """When these users' drafts since `since` were written and emailed (the sweeps')."""


class FeedbackRepository(Protocol):
    async def upsert(self, feedback: Feedback) -> Feedback:
        """Store the vote, replacing any earlier vote on the same draft; returns the row."""

    async def get_for_draft(self, draft_id: UUID) -> Feedback | None: ...
    async def list_for_user(self, user_id: UUID) -> list[Feedback]: ...


class DeliveryRepository(Protocol):
    async def add(self, delivery: EmailDelivery) -> None: ...
    async def claim_daily(self, delivery: EmailDelivery) -> tuple[EmailDelivery, bool]:
        """Insert the daily email for (user, local date) unless one exists.

        Returns the row that holds the claim and whether this call created it.
        """

    async def get(self, delivery_id: UUID) -> EmailDelivery | None: ...
    async def get_daily(self, user_id: UUID, day: date) -> EmailDelivery | None: ...
    async def list_daily(self, days: Sequence[tuple[UUID, date]]) -> list[EmailDelivery]:
        """The daily emails claimed for these (user, local date) pairs, in one go."""

    async def get_by_message_id(self, message_id: str) -> EmailDelivery | None: ...
    async def update(self, delivery: EmailDelivery) -> None: ...
    async def last_sent_daily(self, user_id: UUID) -> EmailDelivery | None: ...
    async def list_for_user(self, user_id: UUID) -> list[EmailDelivery]: ...


class StyleJobRepository(Protocol):
    async def add(self, job: StyleJob) -> None: ...
    async def get(self, job_id: UUID) -> StyleJob | None: ...
    async def update(self, job: StyleJob) -> None: ...
    async def latest_for_user(self, user_id: UUID) -> StyleJob | None: ...


class FeedStateRepository(Protocol):
    """Fetch state per feed address: system data (no user's), so only the system scope may
    use it; a user's scope gets PermissionError."""

    async def get(self, url: str) -> FeedFetchState | None: ...
    async def get_many(self, urls: Sequence[str]) -> dict[str, FeedFetchState]: ...
    async def put(self, state: FeedFetchState) -> None:
        """Insert or replace the state of `state.url`."""

    async def delete_unfollowed(self) -> int:
        """Drop the state of every address no source follows any more, active or not."""


class JobClaimRepository(Protocol):
    """Claims that make background work happen once: system data, system scope only."""

    async def claim(self, key: str, now: datetime, lease: timedelta | None = None) -> bool:
        """Take `key` unless it is held: True when this call took it.

        A claim not finished within `lease` (its holder crashed) may be taken again;
        with no lease, the first claim holds for good.
        """

    async def finish(self, key: str, now: datetime) -> None: ...
    async def release(self, key: str) -> None:
        """Give the claim back, so a later run may take it."""

    async def delete_before(self, cutoff: datetime) -> int: ...
    async def delete_prefixed(self, prefix: str) -> int:
        """Drop every claim whose key starts with `prefix`, held or not."""


class DeadLetterRepository(Protocol):
    """Tasks that exhausted their retries: system data, system scope only."""

    async def add(self, letter: DeadLetter) -> None: ...
    async def get(self, letter_id: UUID) -> DeadLetter | None: ...
    async def list_recent(self, limit: int = 100) -> list[DeadLetter]:
        """Newest first."""

    async def update(self, letter: DeadLetter) -> None: ...
    async def delete_for_user(self, user_id: UUID) -> int:
        """Drop the dead tasks that ran for this user (their `user_id` argument)."""


class UnitOfWork(Protocol):
    """A transaction: nothing is kept unless `commit()` is awaited before the block ends."""

    users: UserRepository
    revocations: RevocationRepository
    tokens: TokenRepository
    sources: SourceRepository
    style_posts: StylePostRepository
    style_chunks: StyleChunkRepository
    items: SourceItemRepository
    drafts: DraftRepository
    feedback: FeedbackRepository
    deliveries: DeliveryRepository
    feed_state: FeedStateRepository
    style_jobs: StyleJobRepository
    job_claims: JobClaimRepository
    dead_letters: DeadLetterRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    @property
    def sessions(self) -> SessionMemo | None:
        """What session checks found, kept while this store vouches nothing they read has
        changed (see SessionMemo); None when it cannot tell (then read every time)."""

    def for_user(self, user_id: UUID, *, read_only: bool = False) -> UnitOfWork:
        """A transaction that can see and change only `user_id`'s rows. A `read_only` one
        cannot commit, and each of its reads may see a newer snapshot than the one before
        (what READ COMMITTED gives a transaction anyway): it costs fewer round trips."""

    def system(self) -> UnitOfWork:
        """A transaction across all users: sign-in lookups, sweeps and cleanup only."""

    def exclusive(self, key: str) -> AbstractAsyncContextManager[bool]:
        """Hold `key` across processes for the duration of the block; yields False (at once)
        when another holder has it. A holder that dies releases it with its connection."""
