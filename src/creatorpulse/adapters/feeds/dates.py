"""Entry dates as feeds write them, made safe: unparseable or far-future dates become None."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime, timedelta

FAR_FUTURE = timedelta(days=1)


def from_struct(parsed: time.struct_time | None, now: datetime) -> datetime | None:
    if not parsed:
        return None
    try:
        when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None
    return _plausible(when, now)


def from_iso(text: object, now: datetime) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return _plausible(when.astimezone(UTC), now)
    except (OverflowError, ValueError):
        return None


def _plausible(when: datetime, now: datetime) -> datetime | None:
    """A date a day or more ahead is a feed trying to pin itself to the top: treat it as unknown."""
    return None if when > now + FAR_FUTURE else when
