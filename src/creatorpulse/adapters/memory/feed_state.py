"""Fetch state per feed address, in memory. System data: a user's scope may not touch it,
as the Postgres role of a user's transaction has no grant on the table."""

from __future__ import annotations

from collections.abc import Sequence

from creatorpulse.adapters.memory.store import Transaction
from creatorpulse.domain.model.feed_state import FeedFetchState
from creatorpulse.ports.storage import FeedStateRepository

TABLE = "feed_state"


class MemoryFeedState(FeedStateRepository):
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def _system_only(self) -> None:
        if self._tx.scope is not None:
            raise PermissionError("feed fetch state belongs to the system scope")

    async def get(self, url: str) -> FeedFetchState | None:
        self._system_only()
        found: FeedFetchState | None = self._tx.get(TABLE, url)
        return found

    async def get_many(self, urls: Sequence[str]) -> dict[str, FeedFetchState]:
        self._system_only()
        found = ((url, self._tx.get(TABLE, url)) for url in dict.fromkeys(urls))
        return {url: state for url, state in found if state is not None}

    async def put(self, state: FeedFetchState) -> None:
        self._system_only()
        self._tx.put(TABLE, state.url, state)

    async def delete_unfollowed(self) -> int:
        self._system_only()
        followed = {source.url for source in self._tx.rows("sources", copies=False)}
        gone = [url for url, _ in self._tx.keyed(TABLE) if url not in followed]
        return sum(self._tx.delete(TABLE, url) for url in gone)
