from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self
from uuid import UUID

from creatorpulse.adapters.memory import repositories as repos
from creatorpulse.adapters.memory import repositories_drafts as drafts_repos
from creatorpulse.adapters.memory.feed_state import MemoryFeedState
from creatorpulse.adapters.memory.jobs import MemoryDeadLetters, MemoryJobClaims
from creatorpulse.adapters.memory.store import MemoryStore, Transaction
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory


class MemoryUnitOfWork(UnitOfWork):
    def __init__(self, store: MemoryStore, scope: UUID | None, *, read_only: bool = False) -> None:
        self._tx = Transaction(store, scope)
        self._read_only = read_only
        self.users = repos.MemoryUsers(self._tx)
        self.revocations = repos.MemoryRevocations(self._tx)
        self.tokens = repos.MemoryTokens(self._tx)
        self.sources = repos.MemorySources(self._tx)
        self.style_posts = repos.MemoryStylePosts(self._tx)
        self.style_chunks = repos.MemoryStyleChunks(self._tx)
        self.items = repos.MemoryItems(self._tx)
        self.drafts = drafts_repos.MemoryDrafts(self._tx)
        self.feedback = drafts_repos.MemoryFeedback(self._tx)
        self.deliveries = drafts_repos.MemoryDeliveries(self._tx)
        self.feed_state = MemoryFeedState(self._tx)
        self.style_jobs = drafts_repos.MemoryStyleJobs(self._tx)
        self.job_claims = MemoryJobClaims(self._tx)
        self.dead_letters = MemoryDeadLetters(self._tx)

    async def __aenter__(self) -> Self:
        await self._tx.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tx.rollback()  # whatever was not committed is dropped
        self._tx.end()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work: it cannot write")
        self._tx.commit()

    async def rollback(self) -> None:
        self._tx.rollback()


class MemoryUnitOfWorkFactory(UnitOfWorkFactory):
    sessions = None  # reading this store is as cheap as a memo of it

    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store or MemoryStore()

    def for_user(self, user_id: UUID, *, read_only: bool = False) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, user_id, read_only=read_only)

    def system(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, None)

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[bool]:
        held = self.store.held
        if key in held:
            yield False
            return
        held.add(key)
        try:
            yield True
        finally:
            held.discard(key)
