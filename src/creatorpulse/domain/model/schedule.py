"""Time-of-day rules: IANA zones, the delivery window, local dates and due instants, DST-correct."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from creatorpulse.domain.model.errors import InvalidInput

EARLIEST_DELIVERY = time(6, 0)
LATEST_DELIVERY = time(22, 0)
DEFAULT_DELIVERY = time(8, 0)
DEFAULT_TIMEZONE = "UTC"


@lru_cache(maxsize=1024)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def validate_timezone(raw: object, field: str = "timezone") -> str:
    """Return the IANA key if it names a real zone, or raise."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput.of(field, "required", "a timezone is required")
    key = raw.strip()
    if len(key) > 64 or key.startswith(("/", ".")) or ".." in key or "\\" in key:
        raise InvalidInput.of(field, "invalid_timezone", f"{key!r} is not an IANA timezone")
    if key in {"Factory", "posixrules", "localtime"}:
        raise InvalidInput.of(field, "invalid_timezone", f"{key!r} is not an IANA timezone")
    try:
        _zone(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput.of(
            field, "invalid_timezone", f"{key!r} is not an IANA timezone (e.g. Europe/Paris)"
        ) from None
    return key


def parse_delivery_time(raw: object, field: str = "delivery_time") -> time:
    """Accept HH:MM or HH:MM:SS (24-hour) between 06:00:00 and 22:00:00 inclusive."""
    if isinstance(raw, time):
        value = raw
    elif isinstance(raw, str):
        parts = raw.strip().split(":")
        if len(parts) not in (2, 3) or not all(
            p.isascii() and p.isdigit() and len(p) == 2 for p in parts
        ):
            raise InvalidInput.of(field, "invalid_time", "must be HH:MM:SS (24-hour)")
        h, m, s = (int(p) for p in (*parts, "00")[:3])
        if h > 23 or m > 59 or s > 59:
            raise InvalidInput.of(field, "invalid_time", "must be HH:MM:SS (24-hour)")
        value = time(h, m, s)
    else:
        raise InvalidInput.of(field, "invalid_time", "must be HH:MM:SS (24-hour)")
    if value.tzinfo is not None or value.microsecond:
        raise InvalidInput.of(field, "invalid_time", "must be a whole-second local time")
    if not EARLIEST_DELIVERY <= value <= LATEST_DELIVERY:
        raise InvalidInput.of(field, "out_of_range", "must be between 06:00:00 and 22:00:00")
    return value


def local_date(now: datetime, timezone: str) -> date:
    """The calendar date it is in `timezone` at the instant `now`."""
    return now.astimezone(_zone(timezone)).date()


def delivery_instant(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant of local `at` on local `day`.

    fold=0 (PEP 495): a wall time repeated by a DST fall-back means its first occurrence; a
    wall time skipped by a spring-forward gap lands as far past the gap as it was into it.
    """
    return datetime.combine(day, at, tzinfo=_zone(timezone)).astimezone(UTC)


def next_delivery(now: datetime, at: time, timezone: str) -> datetime:
    """The first delivery instant strictly after `now`."""
    day = local_date(now, timezone)
    for offset in range(3):
        candidate = delivery_instant(day + timedelta(days=offset), at, timezone)
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a delivery happens every day")  # pragma: no cover


def todays_delivery(now: datetime, at: time, timezone: str) -> datetime:
    """The delivery instant of the local day containing `now` (may be past or future)."""
    return delivery_instant(local_date(now, timezone), at, timezone)


def email_due(now: datetime, at: time, timezone: str) -> bool:
    """Whether today's local delivery instant has come (the sweep sends what is due)."""
    return now >= todays_delivery(now, at, timezone)


def format_time(value: time) -> str:
    return value.strftime("%H:%M:%S")
