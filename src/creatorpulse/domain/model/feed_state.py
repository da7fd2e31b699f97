"""What we know about fetching one feed address, shared by every source that follows it."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

ERROR_MAX = 500


class FeedFetchState(msgspec.Struct, kw_only=True):
    """Per address, not per user: validators for conditional requests and when to ask again."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_check_after: datetime | None = None
    checked_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0

    def is_due(self, now: datetime) -> bool:
        return self.next_check_after is None or self.next_check_after <= now

    def record_success(
        self,
        *,
        etag: str | None,
        last_modified: str | None,
        next_check_after: datetime | None,
        now: datetime,
    ) -> None:
        self.etag, self.last_modified = etag, last_modified
        later = next_check_after is not None and next_check_after > now
        self.next_check_after = next_check_after if later else None
        self.checked_at = now
        self.last_error = None
        self.consecutive_failures = 0

    def record_failure(self, error: str, *, retry_after: float | None, now: datetime) -> None:
        """A failed check; the server's Retry-After (seconds) holds every follower back."""
        self.checked_at = now
        self.last_error = error[:ERROR_MAX]
        self.consecutive_failures += 1
        self.next_check_after = now + timedelta(seconds=retry_after) if retry_after else None
