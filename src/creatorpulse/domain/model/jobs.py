"""Background work's own records: claims that make a duplicate run a no-op, and dead letters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import msgspec

from creatorpulse.domain.model.schedule import delivery_instant, local_date

GENERATION_LEAD = timedelta(minutes=60)  # drafts are written this long before delivery
GENERATION_CATCH_UP = timedelta(hours=2)  # …and still written this late if a sweep was missed
CLAIM_RETENTION = timedelta(days=14)


class DeadLetter(msgspec.Struct, kw_only=True):
    """A task that failed for good: enough to understand it and to run it again."""

    id: UUID
    task_name: str
    args: dict[str, Any]
    error: str
    attempts: int
    created_at: datetime
    replayed_at: datetime | None = None

    def mark_replayed(self, now: datetime) -> None:
        self.replayed_at = now


def tick_key(job: str, now: datetime, every: timedelta) -> str:
    """The claim key of the schedule slot `now` falls in: every duplicate tick shares it."""
    seconds = int(every.total_seconds())
    epoch = int(now.astimezone(UTC).timestamp())
    slot = datetime.fromtimestamp(epoch - epoch % seconds, UTC)
    return f"tick:{job}:{slot:%Y-%m-%dT%H:%M}"


def generation_key(user_id: UUID, day: date) -> str:
    return f"{user_claims(user_id)}{day.isoformat()}"


def user_claims(user_id: UUID) -> str:
    """The prefix of every claim key that names this user (their days' drafts)."""
    return f"drafts:{user_id}:"


def generation_day(now: datetime, at: time, timezone: str) -> date | None:
    """The local date whose drafts are due to be written at `now`, if any (DST-correct).

    Due from GENERATION_LEAD before the local delivery instant until GENERATION_CATCH_UP after.
    """
    day = local_date(now, timezone)
    for candidate in (day, day + timedelta(days=1)):
        due = delivery_instant(candidate, at, timezone)
        if due - GENERATION_LEAD <= now < due + GENERATION_CATCH_UP:
            return candidate
    return None
