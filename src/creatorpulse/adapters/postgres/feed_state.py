"""Fetch state per feed address. The table is granted to the system role only."""

from __future__ import annotations

from collections.abc import Sequence

from creatorpulse.adapters.postgres.rows import PgRepository, fields
from creatorpulse.domain.model.feed_state import FeedFetchState
from creatorpulse.ports.storage import FeedStateRepository

STATE = "url, etag, last_modified, next_check_after, checked_at, last_error, consecutive_failures"


class PgFeedState(PgRepository, FeedStateRepository):
    async def get(self, url: str) -> FeedFetchState | None:
        query = f"SELECT {STATE} FROM feed_fetch_state WHERE url = %s"
        return await self._one(FeedFetchState, query, (url,))

    async def get_many(self, urls: Sequence[str]) -> dict[str, FeedFetchState]:
        query = f"SELECT {STATE} FROM feed_fetch_state WHERE url = ANY(%s)"
        found = await self._all(FeedFetchState, query, (list(urls),))
        return {state.url: state for state in found}

    async def put(self, state: FeedFetchState) -> None:
        await self._execute(
            f"INSERT INTO feed_fetch_state ({STATE}) VALUES (%(url)s, %(etag)s, "
            "%(last_modified)s, %(next_check_after)s, %(checked_at)s, %(last_error)s, "
            "%(consecutive_failures)s) ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, "
            "last_modified = EXCLUDED.last_modified, "
            "next_check_after = EXCLUDED.next_check_after, checked_at = EXCLUDED.checked_at, "
            "last_error = EXCLUDED.last_error, "
            "consecutive_failures = EXCLUDED.consecutive_failures",
            fields(state),
        )

    async def delete_unfollowed(self) -> int:
        return await self._execute(
            "DELETE FROM feed_fetch_state f WHERE NOT EXISTS "
            "(SELECT 1 FROM sources s WHERE s.url = f.url)"
        )
